"""What an attacker can compute from published tables: for each suppressed count, the smallest and largest value it
can take given every published figure, by linear programming (exact simplex over fractions, Bland's rule).

Independent of keten.monitor.disclosure on purpose: it knows nothing of cycles or graphs, only the equations
"each row and each column adds up to its total" and "a suppressed count is at least 1" (zeros are published, so
the attacker knows that). The published figures are taken unrounded: the strongest attacker."""

import math
from collections.abc import Hashable, Sequence
from fractions import Fraction

from keten.monitor.disclosure import ProtectedTable


def equations(counts: Sequence[Sequence[int]], table: ProtectedTable, name: Hashable, shared_rows: bool = False):
    """The additivity of one published table as (terms, value) pairs: terms maps a variable (a suppressed cell) to
    its coefficient, value is what the known cells leave. With `shared_rows`, row totals and the grand total are
    named the same for every table (they count the same signals)."""
    rows, columns = len(counts), len(counts[0])
    true = [[*row, sum(row)] for row in counts] + [[*(sum(r[c] for r in counts) for c in range(columns)),
                                                     sum(map(sum, counts))]]
    shown = [[*table.cells[r], table.row_totals[r]] for r in range(rows)] + [[*table.column_totals, table.total]]

    def variable(r, c):
        if shared_rows and c == columns:
            return ("row_total", r) if r < rows else ("total",)
        return (name, r, c)

    lines = [[(r, c) for c in range(columns)] + [(r, columns)] for r in range(rows + 1)]
    lines += [[(r, c) for r in range(rows)] + [(rows, c)] for c in range(columns + 1)]
    result = []
    for line in lines:
        terms, value = {}, 0
        *parts, total = line
        for (r, c), sign in [*((part, 1) for part in parts), (total, -1)]:
            if shown[r][c] is None:
                terms[variable(r, c)] = terms.get(variable(r, c), 0) + sign
            else:
                value -= sign * true[r][c]
        result.append((terms, value))
    return result


def feasible_interval(system, target) -> tuple[Fraction, Fraction | float]:
    """The smallest and largest value of `target` (a suppressed cell, at least 1) under `system`."""
    variables = sorted({v for terms, _value in system for v in terms}, key=repr)
    index = {v: i for i, v in enumerate(variables)}
    # x = y + 1 with y >= 0.
    matrix, rhs = [], []
    for terms, value in system:
        if not terms:
            continue
        row = [Fraction(0)] * len(variables)
        for v, coefficient in terms.items():
            row[index[v]] += coefficient
        matrix.append(row)
        rhs.append(Fraction(value) - sum(terms.values()))
    objective = [Fraction(0)] * len(variables)
    objective[index[target]] = Fraction(1)
    high = _maximise(matrix, rhs, objective)
    low = -_maximise(matrix, rhs, [-c for c in objective])
    return low + 1, high + 1


def _maximise(matrix, rhs, objective):
    """max objective·y subject to matrix·y = rhs, y >= 0; math.inf when unbounded."""
    rows, n = len(matrix), len(objective)
    tableau = []
    for i in range(rows):
        sign = -1 if rhs[i] < 0 else 1
        tableau.append([sign * a for a in matrix[i]] + [Fraction(int(k == i)) for k in range(rows)] + [sign * rhs[i]])
    basis = [n + i for i in range(rows)]
    phase_one = [Fraction(0)] * n + [Fraction(-1)] * rows
    value = _run(tableau, basis, phase_one, allowed=n + rows)
    if value != 0:
        raise AssertionError("the published tables contradict themselves")
    for i in range(len(tableau)):  # drive artificial variables out of the basis, or drop redundant rows
        if basis[i] >= n:
            column = next((j for j in range(n) if tableau[i][j] != 0), None)
            if column is not None:
                _pivot(tableau, basis, i, column)
    keep = [i for i in range(len(tableau)) if basis[i] < n]
    tableau[:] = [tableau[i] for i in keep]
    basis[:] = [basis[i] for i in keep]
    return _run(tableau, basis, objective + [Fraction(0)] * rows, allowed=n)


def _run(tableau, basis, costs, allowed):
    while True:
        reduced = [costs[j] - sum(costs[basis[i]] * tableau[i][j] for i in range(len(tableau)))
                   for j in range(allowed)]
        entering = next((j for j in range(allowed) if reduced[j] > 0), None)
        if entering is None:
            return sum(costs[basis[i]] * tableau[i][-1] for i in range(len(tableau)))
        candidates = [(tableau[i][-1] / tableau[i][entering], basis[i], i) for i in range(len(tableau))
                      if tableau[i][entering] > 0]
        if not candidates:
            return math.inf
        _pivot(tableau, basis, min(candidates)[2], entering)


def _pivot(tableau, basis, row, column):
    pivot = tableau[row][column]
    tableau[row] = [a / pivot for a in tableau[row]]
    for i in range(len(tableau)):
        if i != row and tableau[i][column] != 0:
            factor = tableau[i][column]
            tableau[i] = [a - factor * b for a, b in zip(tableau[i], tableau[row], strict=True)]
    basis[row] = column
