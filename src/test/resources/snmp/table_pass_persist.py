# A net-snmp pass_persist helper for tests: serves, under one subtree, the objects listed in a
# data file, one "OID TYPE VALUE" per line (VALUE may be empty or contain spaces), so a test
# controls every row of a table: indexes above 2^31, thousands of rows, empty strings.
#
#   pass_persist -p 1 .1.3.6.1.2.1.2.2 /usr/bin/python3 table_pass_persist.py DATA .1.3.6.1.2.1.2.2
#
# Protocol (snmpd.conf(5), pass_persist): PING -> PONG; "get"/"getnext" then an OID -> the OID,
# its type and value on three lines, or NONE; "set" is refused.
import bisect
import sys


def key(oid):
    return tuple(int(x) for x in oid.strip().strip(".").split("."))


def main():
    data, prefix = sys.argv[1], key(sys.argv[2])
    rows = []
    with open(data, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            oid, typ, value = (line.split(" ", 2) + [""])[:3]
            k = key(oid)
            if k[: len(prefix)] == prefix:
                rows.append((k, typ, value))
    rows.sort()
    keys = [r[0] for r in rows]
    out = sys.stdout

    def answer(i):
        k, typ, value = rows[i]
        out.write("." + ".".join(map(str, k)) + "\n" + typ + "\n" + value + "\n")

    while True:
        command = sys.stdin.readline()
        if not command:
            return
        command = command.strip()
        if command == "PING":
            out.write("PONG\n")
        elif command in ("get", "getnext"):
            k = key(sys.stdin.readline())
            if command == "get":
                i = bisect.bisect_left(keys, k)
                found = i < len(keys) and keys[i] == k
            else:
                i = bisect.bisect_right(keys, k)
                found = i < len(keys)
            if found:
                answer(i)
            else:
                out.write("NONE\n")
        elif command == "set":
            sys.stdin.readline()
            sys.stdin.readline()
            out.write("not-writable\n")
        else:
            out.write("NONE\n")
        out.flush()


main()
