#!/usr/bin/env python3
"""Doxygen INPUT_FILTER for walkv's C++ headers (docs/Doxyfile.in).

The C++ headers are documented with plain `//` comments, written to be read
in the header. This filter turns them into Doxygen comments on the fly, so the
API reference carries the same text and the headers stay as they are:

  - the comment block at the top of a file documents the file (`/// @file`);
  - a `//` comment block documents the declaration that follows it;
  - a trailing `// ...` after a member or enumerator (a line ending in `;` or
    `,` before the comment) documents that member (`///<`), and `//` lines
    right below it, aligned with it, continue it;
  - comment text is plain text: characters Doxygen would read as commands or
    HTML (`\\ @ < > & % #` and `$`) and `--` (a dash in Markdown) are
    escaped, except inside `backtick` spans and "double-quoted text", which
    Doxygen copies as they are;
  - separator lines such as `// ---- secondary indexes ----` stay plain
    comments.

Comments inside function bodies, after closing braces (`}  // namespace`) and
on preprocessor lines are left alone. Line numbers never change, so Doxygen's
warnings point at the real header lines.

Usage (by Doxygen): doxygen_filter.py FILE  -> filtered text on stdout.
"""
import re
import sys

COMMENT = re.compile(r"^(\s*)//(?!/)(?: ?)(.*)$")
TRAILING = re.compile(r"^(.*?[;,])(\s*)//(?!/)(?: ?)(.*)$")
SPECIAL = re.compile(r"([\\@<>&%#$])")
# "// ---- secondary indexes ----": a section separator, not documentation.
SEPARATOR = re.compile(r"^\s*//\s*-{3,}.*$")


def escape(text):
    """Escapes Doxygen/HTML specials, and `--` (which Markdown would turn into
    a dash), outside `code spans` and "quoted text" (both of which Doxygen
    copies as they are)."""
    out = []
    literal = re.compile(r'(`[^`]*`|"[^"]*")')
    for i, part in enumerate(literal.split(text)):
        if i % 2 == 1:
            out.append(part)
        else:
            part = SPECIAL.sub(r"\\\1", part)
            out.append(part.replace("--", "\\--"))
    return "".join(out)


def filter_lines(lines):
    out = []
    header_end = 0  # lines [0, header_end) are the file's leading comment block
    while header_end < len(lines) and COMMENT.match(lines[header_end].rstrip("\n")) \
            and not COMMENT.match(lines[header_end]).group(1):
        header_end += 1
    trailing_column = None  # column of the last trailing `//` converted
    # One entry per open brace: True for a function body (comments there are
    # left alone), False for namespace/class/enum bodies and initialisers.
    scopes = []
    for number, raw in enumerate(lines):
        line = raw.rstrip("\n")
        m = COMMENT.match(line)
        if number < header_end:
            text = "/// " + escape(m.group(2))
            # `@file` at the end of the block's last line (nothing after it on
            # that line: it documents this file) keeps the line numbering.
            out.append(text + (" @file" if number == header_end - 1 else ""))
            continue
        in_body = any(scopes)
        if m and SEPARATOR.match(line):
            trailing_column = None
            out.append(line)
            continue
        if m and not in_body:
            indent = m.group(1)
            if trailing_column is not None and len(indent) == trailing_column:
                out.append(indent + "///< " + escape(m.group(2)))
            else:
                trailing_column = None
                out.append(indent + "/// " + escape(m.group(2)))
            continue
        trailing_column = None
        t = TRAILING.match(line)
        if (t and not in_body and not line.lstrip().startswith("#")
                and not t.group(1).strip().startswith("}")):
            code, gap, text = t.groups()
            trailing_column = len(code) + len(gap)
            out.append(code + gap + "///< " + escape(text))
        else:
            out.append(line)
        code_only = re.sub(r'"(?:\\.|[^"\\])*"', '""', line.split("//", 1)[0])
        for i, ch in enumerate(code_only):
            if ch == "{":
                before = code_only[:i]
                type_like = re.search(r"\b(namespace|class|struct|enum|union)\b", before)
                scopes.append(bool(")" in before and not type_like))
            elif ch == "}" and scopes:
                scopes.pop()
    return out


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = f.readlines()
    sys.stdout.write("\n".join(filter_lines(lines)) + "\n")


if __name__ == "__main__":
    main()
