"""Decisions after a serious entry (Child Q finding 2): what is offered, and what counts."""

from shared.rules.inputs import DecisionInput, DecisionOption


def offered_options() -> tuple[DecisionOption, ...]:
    """Return the options a decision prompt offers: a strategy discussion always comes first."""
    first = DecisionOption.REQUEST_STRATEGY_DISCUSSION
    return (first, *(option for option in DecisionOption if option != first))


def decision_counts(decision: DecisionInput, on_cp: bool) -> bool:
    """Return True when a decision closes its prompt.

    On a CP case the options considered must include requesting a strategy discussion, and a
    "no action" decision counts only once countersigned by someone other than the decider.
    """
    if on_cp and DecisionOption.REQUEST_STRATEGY_DISCUSSION not in decision.options_considered:
        return False
    if decision.decision != DecisionOption.NO_ACTION:
        return True
    return decision.countersigned_by is not None and decision.countersigned_by != (
        decision.decided_by
    )
