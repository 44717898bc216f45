"""Quality of a linking against the ground truth: pairwise (links), cluster-pair and B-cubed precision/recall/F1."""

import numpy as np


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _pairs(counts: np.ndarray) -> int:
    counts = counts.astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def _group_sizes(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per record the size of its group, and the sizes of all groups."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
    sizes = np.diff(np.r_[starts, len(labels)])
    per_record = np.empty(len(labels), np.int64)
    per_record[order] = np.repeat(sizes, sizes)
    return per_record, sizes


def cluster_metrics(truth: np.ndarray, predicted: np.ndarray) -> dict:
    """Cluster-pair precision/recall/F1 (pairs of records put together) and B-cubed."""
    truth, predicted = np.asarray(truth, np.int64), np.asarray(predicted, np.int64)
    cell = truth * (int(predicted.max()) + 1) + predicted
    cell_size, cell_sizes = _group_sizes(cell)
    truth_size, truth_sizes = _group_sizes(truth)
    pred_size, pred_sizes = _group_sizes(predicted)
    together, predicted_pairs, true_pairs = _pairs(cell_sizes), _pairs(pred_sizes), _pairs(truth_sizes)
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    b3_precision = float(np.mean(cell_size / pred_size))
    b3_recall = float(np.mean(cell_size / truth_size))
    return {"cluster_precision": precision, "cluster_recall": recall, "cluster_f1": _f1(precision, recall),
            "b3_precision": b3_precision, "b3_recall": b3_recall, "b3_f1": _f1(b3_precision, b3_recall),
            "true_pairs": true_pairs, "predicted_pairs": predicted_pairs}


def link_metrics(truth: np.ndarray, a: np.ndarray, b: np.ndarray) -> dict:
    """Pairwise precision/recall/F1 of the accepted links themselves (before clustering)."""
    truth = np.asarray(truth, np.int64)
    correct = int((truth[a] == truth[b]).sum())
    _per, sizes = _group_sizes(truth)
    true_pairs = _pairs(sizes)
    precision = correct / len(a) if len(a) else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    return {"link_precision": precision, "link_recall": recall, "link_f1": _f1(precision, recall)}
