"""Bar charts drawn on the server as SVG geometry: no chart library is loaded in the browser, and the numbers a
chart shows are the published ones, with the table beside it for screen readers and for copying."""

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 70
BAR_HEIGHT = 18
GAP = 8
TOP = 4


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as the table shows it ("·" when suppressed)
    width: int  # 0: no bar (suppressed or zero)
    y: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 5

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]

    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return TOP * 2 + len(self.bars) * (BAR_HEIGHT + GAP)

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 8


def bar_chart(title: str, items: Sequence[tuple[str, float | None, str]]) -> Chart:
    """A horizontal bar per (label, value, text); a value of None (suppressed) draws no bar, only its text."""
    largest = max((value for _label, value, _text in items if value), default=0)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    return Chart(title=title, bars=tuple(
        Bar(label=_short(label), text=text, width=round(plot * value / largest) if value and largest else 0,
            y=TOP + index * (BAR_HEIGHT + GAP))
        for index, (label, value, text) in enumerate(items)))


def _short(label: str, limit: int = 34) -> str:
    """Long labels would run into the bars; the full label is in the table beside the chart."""
    return label if len(label) <= limit else label[: limit - 1] + "…"
