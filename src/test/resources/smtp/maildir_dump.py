"""Prints every message of a maildir (as aiosmtpd's Mailbox handler writes it) as one JSON object
per line: subject and from/to decoded, the text body decoded with its declared charset, so that a
test can compare them with what vcmon meant to send."""
import email
import email.policy
import json
import pathlib
import sys

for path in sorted(pathlib.Path(sys.argv[1], "new").iterdir()):
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain",))
    print(json.dumps({
        "subject": str(msg["subject"]),
        "from": str(msg["from"]),
        "to": str(msg["to"]),
        "content_type": body.get_content_type(),
        "charset": body.get_content_charset(),
        "body": body.get_content(),
    }, ensure_ascii=False))
