"""Which page links a long list shows: the first and last page and a window around the current one."""

#: Page links shown around the current page (besides the first and the last).
PAGE_WINDOW = 2


def page_numbers(number: int, num_pages: int) -> list[int | None]:
    """The page links to show: 1 … 4 5 [6] 7 8 … 20, with None for a gap."""
    wanted = {1, num_pages, *range(number - PAGE_WINDOW, number + PAGE_WINDOW + 1)}
    shown = sorted(n for n in wanted if 1 <= n <= num_pages)
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers
