"""Who is told about a signal, and when: after routing, for acute danger, and as its triage deadline nears or passes."""


def signal_routed(routing) -> None:
    """Tell the people who must act on a routed signal (filled in by the notifications work)."""
