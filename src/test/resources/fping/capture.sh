#!/bin/sh
# Re-captures the fping fixtures of FpingOutputParserTest (run as root on a machine with fping
# and nftables). Only loopback addresses are pinged. Prints each fixture's exit code, which the
# test table repeats. The garbage fixture is written by hand and is not touched here.
set -u
cd "$(dirname "$0")"
FLAGS="-C 3 -p 200 -t 500 -i 1 -f -"

nft -f - <<'NFT'
table ip vcmon_capture_icmp {
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr 127.66.0.1 drop
    ip daddr 127.66.0.4 icmp type echo-request numgen inc mod 2 == 0 drop
  }
  chain output {
    type filter hook output priority 0; policy accept;
    ip daddr 127.66.0.2 icmp type echo-request reject with icmp type host-unreachable
  }
}
NFT
trap 'nft delete table ip vcmon_capture_icmp' EXIT

capture() { # name, targets...
  name=$1; shift
  printf '%s\n' "$@" | fping $FLAGS >/dev/null 2>"$name.txt"
  echo "$name.txt exit=$?"
}

capture all-answered 127.0.0.1 127.0.0.2 localhost ::1
capture some-lost 127.66.0.4 127.0.0.1
capture all-lost 127.66.0.1
capture host-unreachable 127.66.0.2 127.0.0.1
capture name-not-found no-such-host.invalid 127.0.0.1
capture duplicate-target 127.0.0.1 127.0.0.1

cp "$(command -v fping)" /tmp/fping-without-caps
printf '127.0.0.1\n' | setpriv --reuid=nobody --regid=nogroup --clear-groups \
  /tmp/fping-without-caps $FLAGS >/dev/null 2>no-permission.txt
echo "no-permission.txt exit=$?"
rm -f /tmp/fping-without-caps

printf '127.0.0.1\n' | fping -C 3 -p 200 --bogus -f - >/dev/null 2>bad-option.txt
echo "bad-option.txt exit=$?"
