"""The site's palette: every pair of colours the stylesheet sets text in meets WCAG 2.2 AA.

The colours are read from the custom properties on `:root` in minga.css, so changing one there
is checked here; a pair missing from `TEXT_PAIRS` is a pair nobody checked.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

STYLESHEET = Path(settings.BASE_DIR) / "minga" / "static" / "minga.css"
AA_TEXT = 4.5  # normal-size text
AA_NON_TEXT = 3.0  # focus rings, field borders, the name mark

# (text, background): every way the stylesheet puts one on the other.
TEXT_PAIRS = [
    ("ink", "bg"),
    ("muted", "bg"),
    ("accent", "bg"),  # links, the name mark, headings of certificates
    ("warn", "bg"),
    ("ink", "surface"),  # the footer, filters
    ("muted", "surface"),
    ("accent", "surface"),
    ("accent-ink", "accent"),  # buttons
    ("accent", "accent-2"),  # secondary buttons, tags, messages
    ("ink", "accent-2"),
    ("muted", "accent-2"),
    ("warn", "warn-2"),  # error messages
    ("ink", "warn-2"),
    ("ink", "sun-2"),  # notices
    ("accent", "sun-2"),
    ("accent-2", "ink"),  # the USSD screen
]
NON_TEXT_PAIRS = [("sun", "ink"), ("field", "bg"), ("accent", "bg"), ("accent-ink", "accent")]


def pair_ids(pairs):
    return [f"{a}-on-{b}" for a, b in pairs]


def palette() -> dict[str, str]:
    root = re.search(r":root\{([^}]*)\}", STYLESHEET.read_text()).group(1)
    return dict(re.findall(r"--([\w-]+):(#[0-9a-fA-F]{6})\b", root))


def luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_it_computes_contrast_as_wcag_does():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just below AA


def test_the_palette_names_every_colour_the_pairs_use():
    colours = palette()
    named = {name for pair in TEXT_PAIRS + NON_TEXT_PAIRS for name in pair}
    assert named <= set(colours), named - set(colours)


@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS, ids=pair_ids(TEXT_PAIRS))
def test_text_meets_aa(text, background):
    colours = palette()
    ratio = contrast(colours[text], colours[background])
    assert ratio >= AA_TEXT, f"--{text} on --{background}: {ratio:.2f}:1 < {AA_TEXT}:1"


@pytest.mark.parametrize(("part", "background"), NON_TEXT_PAIRS, ids=pair_ids(NON_TEXT_PAIRS))
def test_controls_and_focus_rings_meet_aa(part, background):
    colours = palette()
    ratio = contrast(colours[part], colours[background])
    assert ratio >= AA_NON_TEXT, f"--{part} on --{background}: {ratio:.2f}:1 < {AA_NON_TEXT}:1"
