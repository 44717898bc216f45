"""The disclosure rule of the monitor: small counts are never published, no suppressed count can be recomputed from
totals, rows or the other tables of the same query (checked by linear programming over random tables), rounding
is consistent, and the yearly dataset is k-anonymous after generalising before suppressing."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keten.monitor.disclosure import k_anonymise, protect, protect_together, round_to, statistic_publishable
from tests.monitor.bounds import equations, feasible_interval

MIN_CELL = 10

#: Counts as the monitor sees them: many zeros and small numbers, some large.
counts = st.one_of(st.just(0), st.integers(1, 12), st.integers(0, 60))


def tables(max_rows=4, max_columns=5):
    return st.integers(1, max_rows).flatmap(lambda rows: st.integers(1, max_columns).flatmap(
        lambda columns: st.lists(st.lists(counts, min_size=columns, max_size=columns), min_size=rows,
                                 max_size=rows)))


def _extended(table_counts, table):
    """(true value, published value) of every cell, row total, column total and the grand total."""
    rows, columns = len(table_counts), len(table_counts[0])
    pairs = [(table_counts[r][c], table.cells[r][c]) for r in range(rows) for c in range(columns)]
    pairs += [(sum(table_counts[r]), table.row_totals[r]) for r in range(rows)]
    pairs += [(sum(row[c] for row in table_counts), table.column_totals[c]) for c in range(columns)]
    pairs.append((sum(map(sum, table_counts)), table.total))
    return pairs


def _suppressed_variables(table_counts, table, name, shared_rows=False):
    rows, columns = len(table_counts), len(table_counts[0])
    found = [(name, r, c) for r in range(rows) for c in range(columns) if table.cells[r][c] is None]
    found += [(name, rows, c) for c in range(columns) if table.column_totals[c] is None]
    if shared_rows:
        found += [("row_total", r) for r in range(rows) if table.row_totals[r] is None]
        found += [("total",)] if table.total is None else []
    else:
        found += [(name, r, columns) for r in range(rows) if table.row_totals[r] is None]
        found += [(name, rows, columns)] if table.total is None else []
    return found


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_small_count_is_ever_published_and_zeros_are(table_counts):
    table = protect(table_counts, min_cell=MIN_CELL)
    for true, shown in _extended(table_counts, table):
        if 0 < true < MIN_CELL:
            assert shown is None
        elif true == 0:
            assert shown == 0  # a structural zero is published, never hidden
        else:
            assert shown in (None, true)  # rounding 1: what is shown is the count itself


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_a_suppressed_count_cannot_be_recomputed_from_the_published_figures(table_counts):
    """Differencing: a total minus the visible cells, rows against columns, all at once. For every suppressed
    count, the values it can take given everything published span more than one value."""
    table = protect(table_counts, min_cell=MIN_CELL)
    system = equations(table_counts, table, "t")
    for variable in _suppressed_variables(table_counts, table, "t"):
        low, high = feasible_interval(system, variable)
        assert low < high, f"cell {variable} is disclosed: it can only be {low}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_every_line_with_a_suppressed_count_has_a_second_one(table_counts):
    table = protect(table_counts, min_cell=MIN_CELL)
    rows = [[*table.cells[r], table.row_totals[r]] for r in range(len(table_counts))]
    rows.append([*table.column_totals, table.total])
    lines = rows + [list(column) for column in zip(*rows, strict=True)]
    for line in lines:
        assert sum(value is None for value in line) != 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 5).flatmap(lambda rows: st.tuples(
    st.lists(st.lists(counts, min_size=3, max_size=3), min_size=rows, max_size=rows),
    st.lists(st.integers(0, 3), min_size=rows, max_size=rows))))
def test_tables_of_one_query_do_not_undo_each_others_suppression(data):
    """Two tables over the same regions (e.g. per month and per form): their row totals are the same counts, so
    together they hold more equations than each alone. Checked on both tables' equations at once."""
    first, split = data
    # The second table splits each region's signals differently, with the same row totals.
    second = [[min(split[r], sum(row)), sum(row) - min(split[r], sum(row))] for r, row in enumerate(first)]
    linked = protect_together([first, second], min_cell=MIN_CELL)
    merged = [[[sum(table[row][c] for row in group) for c in range(len(table[0]))] for group in linked.groups]
              for table in (first, second)]
    assert sorted(row for group in linked.groups for row in group) == list(range(len(first)))
    one, two = linked.tables
    assert one.row_totals == two.row_totals and one.total == two.total
    system = (equations(merged[0], one, "a", shared_rows=True)
              + equations(merged[1], two, "b", shared_rows=True))
    variables = (set(_suppressed_variables(merged[0], one, "a", True))
                 | set(_suppressed_variables(merged[1], two, "b", True)))
    for variable in variables:
        low, high = feasible_interval(system, variable)
        assert low < high, f"{variable} is disclosed by the two tables together: it can only be {low}"
    for table in (one, two):
        assert all(total is None or total == 0 or total >= MIN_CELL for total in table.row_totals)


def test_regions_under_the_threshold_are_added_up_into_one_rest_row():
    by_month = [[20, 15], [3, 2], [30, 1], [4, 2]]
    by_form = [[30, 5], [4, 1], [21, 10], [1, 5]]
    linked = protect_together([by_month, by_form], min_cell=MIN_CELL)
    assert linked.groups == ((0,), (2,), (1, 3))  # 5 and 6 signals: together 11
    assert linked.has_rest
    assert all(table.row_totals == (35, 31, 11) for table in linked.tables)


def test_a_row_its_total_would_give_away_goes_into_the_rest():
    # Eleven signals, one in each of eleven months: with the total published, every hidden month is exactly 1.
    months = [[1] * 11 + [0], [5] * 11 + [5], [4] * 12]
    linked = protect_together([months], min_cell=MIN_CELL)
    assert (0,) not in linked.groups


def test_a_lone_small_cell_takes_the_smallest_other_cell_of_its_row_and_column_with_it():
    table = protect([[3, 20, 30], [15, 12, 40], [50, 60, 70]], min_cell=MIN_CELL)
    assert table.cells == ((None, None, 30), (None, None, 40), (50, 60, 70))
    assert table.row_totals == (53, 67, 180)
    assert table.total == 300


def test_a_small_row_is_hidden_with_its_total_and_the_page_cannot_add_it_back():
    table = protect([[4, 0], [30, 40]], min_cell=MIN_CELL)
    assert table.cells[0] == (None, 0)
    assert table.row_totals[0] is None
    low, high = feasible_interval(equations([[4, 0], [30, 40]], table, "t"), ("t", 0, 0))
    assert low < high


def test_rounding_applies_to_every_published_figure_totals_on_their_own():
    table = protect([[12, 23], [31, 44]], min_cell=MIN_CELL, rounding=5)
    assert table.cells == ((10, 25), (30, 45))
    assert table.row_totals == (35, 75)  # 35 and 75: rounded from 35 and 75, not the sum of rounded cells
    assert table.column_totals == (45, 65)  # 43 → 45 and 67 → 65
    assert table.total == 110


@pytest.mark.parametrize(("value", "base", "expected"), [(0, 5, 0), (12, 5, 10), (13, 5, 15), (15, 10, 20),
                                                          (10, 3, 10), (7, 1, 7)])
def test_round_to_nearest_multiple_never_below_the_threshold(value, base, expected):
    assert round_to(value, base, floor=MIN_CELL) == expected


@settings(max_examples=100, deadline=None)
@given(tables(), st.sampled_from([1, 2, 5, 10]))
def test_rounded_figures_are_multiples_of_the_base(table_counts, base):
    table = protect(table_counts, min_cell=MIN_CELL, rounding=base)
    for true, shown in _extended(table_counts, table):
        if shown is not None:
            assert shown % base == 0 or shown == MIN_CELL
            assert abs(shown - true) <= base / 2 or (true >= MIN_CELL and shown == MIN_CELL)


def test_a_statistic_over_too_few_is_not_published():
    assert not statistic_publishable(9, min_cell=MIN_CELL)
    assert statistic_publishable(10, min_cell=MIN_CELL)


def test_an_empty_table_publishes_zeros():
    table = protect([[0, 0], [0, 0]], min_cell=MIN_CELL)
    assert table.cells == ((0, 0), (0, 0)) and table.total == 0 and table.suppressed_count == 0


# --- k-anonymity of the yearly dataset ---------------------------------------------------------------------------

AGE_BANDS = ["0-11", "12-15", "16-17", "18-22", "23-29", "30-39", "40-49", "50+"]
WIDER = {"0-11": "0-17", "12-15": "0-17", "16-17": "0-17", "18-22": "18-29", "23-29": "18-29", "30-39": "30+",
         "40-49": "30+", "50+": "30+"}
PROVINCE = {"GM0363": "PV27", "GM0362": "PV27", "GM0935": "PV31", "GM0917": "PV31", "GM0014": "PV20"}
QUASI = ("age_band", "gender", "origin", "form", "region", "year")
GENERALISATIONS = {
    "age_band": [lambda band: WIDER[band], lambda band: "onbekend"],
    "region": [lambda code: PROVINCE[code], lambda code: "NL"],
    "origin": [lambda country: "NL" if country == "NL" else "buiten NL", lambda country: "onbekend"],
    "form": [lambda form: "onbekend"],
}

records = st.fixed_dictionaries({
    "age_band": st.sampled_from(AGE_BANDS), "gender": st.sampled_from(["m", "v", "x"]),
    "origin": st.sampled_from(["NL", "RO", "NG", "PL", "UA"]),
    "form": st.sampled_from(["sexual", "labour", "criminal"]), "region": st.sampled_from(sorted(PROVINCE)),
    "year": st.just(2025), "trajectory_closed": st.booleans()})


@settings(max_examples=80, deadline=None)
@given(st.lists(records, max_size=300), st.sampled_from([2, 5, 10]))
def test_the_yearly_dataset_is_k_anonymous(dataset, k):
    out, report = k_anonymise(dataset, QUASI, k, GENERALISATIONS)
    classes = {}
    for record in out:
        key = tuple(record[name] for name in QUASI)
        classes[key] = classes.get(key, 0) + 1
    assert all(size >= k for size in classes.values())
    assert report.records_out == len(out) == len(dataset) - report.suppressed
    at_most = math.floor(len(dataset) * 0.05)
    fully_generalised = all(report.levels[n] == len(GENERALISATIONS.get(n, ())) for n in QUASI)
    assert report.suppressed <= at_most or fully_generalised
    assert all("trajectory_closed" in record for record in out)  # other fields pass through unchanged


def test_generalising_comes_before_suppressing():
    # Twelve records, one age band apart within the same wider band: generalising the age band keeps them all.
    dataset = [{"age_band": "12-15" if n % 2 else "16-17", "gender": "v", "origin": "RO", "form": "sexual",
                "region": "GM0363", "year": 2025} for n in range(12)]
    out, report = k_anonymise(dataset, QUASI, 10, GENERALISATIONS)
    assert report.suppressed == 0 and len(out) == 12
    assert report.levels["age_band"] == 1 and report.steps == ("age_band",)
    assert {record["age_band"] for record in out} == {"0-17"}


def test_a_record_that_stays_unique_is_left_out():
    dataset = [{"age_band": "30-39", "gender": "m", "origin": "NL", "form": "labour", "region": "GM0014",
                "year": 2025} for _n in range(40)]
    dataset.append({"age_band": "30-39", "gender": "x", "origin": "NL", "form": "labour", "region": "GM0014",
                    "year": 2025})  # gender is never generalised: this one cannot hide among the others
    out, report = k_anonymise(dataset, QUASI, 10, GENERALISATIONS)
    assert report.suppressed == 1 and len(out) == 40
    assert report.levels == dict.fromkeys(QUASI, 0)  # one record in 41 is within the 5 % that may go
