#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a Markdown document as a standalone HTML page (the user guide the Help menu opens).
Usage: md2html.py IN.md OUT.html"""
import html
import sys

import markdown

src, out = sys.argv[1], sys.argv[2]
text = open(src, encoding="utf-8").read()
title = next((l[2:].strip() for l in text.splitlines() if l.startswith("# ")), "Wealthmap")
body = markdown.markdown(text, extensions=["tables", "fenced_code"])
page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: Cantarell, "DejaVu Sans", sans-serif; max-width: 46em; margin: 2em auto;
       padding: 0 1em; line-height: 1.5; color: #241f31; }}
h1, h2 {{ font-weight: 700; }} h2 {{ margin-top: 1.8em; border-bottom: 1px solid #deddda; }}
pre {{ background: #f6f5f4; padding: 0.8em; overflow-x: auto; }}
code {{ font-family: "DejaVu Sans Mono", monospace; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #deddda; padding: 0.3em 0.6em; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""
open(out, "w", encoding="utf-8").write(page)
