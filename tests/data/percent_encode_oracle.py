#!/usr/bin/env python3
# The independent oracle for test_requesttarget: percent-encodes request-target parts with
# Python's urllib.parse.quote, which shares no code with Telephone's encoder.
# Input lines: "P <hex>" (a path) or "Q <hex>" (a query); output: the encoded text in hex.
import re
import sys
from urllib.parse import quote_from_bytes

# Printable ASCII that may stand as it is (quote always keeps letters, digits and "_.-~").
# Not here: '"', '#', '<', '>', '\\', '^', '`', '{', '|', '}' and, in a path, '?'.
PATH_SAFE = "!$&'()*+,/:;=@[]"
QUERY_SAFE = PATH_SAFE + "?"
# A '%' that does not start an escape is a literal percent sign.
LONE_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")

for line in sys.stdin:
    kind, _, data = line.strip().partition(" ")
    raw = bytes.fromhex(data)
    safe = (PATH_SAFE if kind == "P" else QUERY_SAFE) + "%"
    encoded = quote_from_bytes(LONE_PERCENT.sub(b"%25", raw), safe=safe)
    print(encoded.encode("ascii").hex())
