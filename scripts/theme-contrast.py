#!/usr/bin/env python3
"""Contrast ratios (WCAG 2.x) of the control room's text colours on their backgrounds, read from
qml/Theme.qml. Prints the table docs/gui.md shows; exits 1 if a text pair is under 4.5:1.
Usage: scripts/theme-contrast.py [qml/Theme.qml]"""
import re
import sys


def luminance(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(a, b):
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


source = open(sys.argv[1] if len(sys.argv) > 1 else "qml/Theme.qml").read()
theme = dict(re.findall(r'property color (\w+): "(#[0-9a-fA-F]{6})"', source))
states = dict(re.findall(r'"([A-Z_]+)": "(#[0-9a-fA-F]{6})"', source))
# What the window draws on what (Main.qml's palette: highlighted buttons are white on #2f6db0).
pairs = [(fg, bg) for fg in ("text", "textMuted", "accent", "ok", "danger")
         for bg in ("background", "surface", "raised")]
pairs += [("warn", "surface"), ("warn", "raised"), ("onColour", "accent"), ("onColour", "ok"),
          ("onColour", "warn")]
rows = [(f"{fg} {theme[fg]}", f"{bg} {theme[bg]}", ratio(theme[fg], theme[bg])) for fg, bg in pairs]
rows += [(f"onColour {theme['onColour']}", f"{name} {colour}", ratio(theme["onColour"], colour))
         for name, colour in states.items()]
rows += [("white #ffffff", f"panic {theme['panic']}", ratio("#ffffff", theme["panic"])),
         ("white #ffffff", "highlight #2f6db0", ratio("#ffffff", "#2f6db0"))]
print("| text | on | contrast |\n|---|---|---|")
for fg, bg, r in rows:
    print(f"| {fg} | {bg} | {r:.1f}:1 |")
failing = [row for row in rows if row[2] < 4.5]
for fg, bg, r in failing:
    print(f"too low: {fg} on {bg}: {r:.2f}:1 (needs 4.5:1)", file=sys.stderr)
if len(states) != 7:
    print(f"expected the 7 state colours, found {sorted(states)}", file=sys.stderr)
sys.exit(1 if failing or len(states) != 7 else 0)
