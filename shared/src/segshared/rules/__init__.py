"""The rule model: card rules over one player and segment definitions over cards and segments.

Pure: parse, validate, evaluate for one player, schedule clock changes, compile to Redis set
algebra. No I/O here; services supply facts and execute the set programs.
"""

from segshared.rules.card_clock import CLOCK_RESOLUTION, next_clock_change, window_changes
from segshared.rules.card_deps import RuleDependencies, rule_dependencies
from segshared.rules.card_doc import card_rule_to_doc
from segshared.rules.card_eval import PlayerFacts, condition_value, evaluate_card_rule
from segshared.rules.card_model import (
    FNS,
    OPS,
    UNITS,
    CardRule,
    Condition,
    FieldCondition,
    Group,
    Metric,
    MetricCondition,
    Op,
    RelativeTime,
    Value,
    iter_conditions,
)
from segshared.rules.card_parse import parse_card_rule
from segshared.rules.card_validate import validate_card_rule
from segshared.rules.compare import holds
from segshared.rules.errors import RuleError
from segshared.rules.graph import SegmentGraph, cycle_text, find_cycle, topological_order
from segshared.rules.metrics import compute_metric, in_window
from segshared.rules.segment_algebra import (
    SetOp,
    SetProgram,
    compile_set_algebra,
    evaluate_segment,
)
from segshared.rules.segment_check import (
    Refs,
    reference_paths,
    references,
    validate_segment_definition,
)
from segshared.rules.segment_model import (
    And,
    CardRef,
    Node,
    Or,
    SegmentDefinition,
    SegmentRef,
    parse_segment_definition,
    segment_definition_to_doc,
)

__all__ = [
    "CLOCK_RESOLUTION",
    "FNS",
    "OPS",
    "UNITS",
    "And",
    "CardRef",
    "CardRule",
    "Condition",
    "FieldCondition",
    "Group",
    "Metric",
    "MetricCondition",
    "Node",
    "Op",
    "Or",
    "PlayerFacts",
    "Refs",
    "RelativeTime",
    "RuleDependencies",
    "RuleError",
    "SegmentDefinition",
    "SegmentGraph",
    "SegmentRef",
    "SetOp",
    "SetProgram",
    "Value",
    "card_rule_to_doc",
    "compile_set_algebra",
    "compute_metric",
    "condition_value",
    "cycle_text",
    "evaluate_card_rule",
    "evaluate_segment",
    "find_cycle",
    "holds",
    "in_window",
    "iter_conditions",
    "next_clock_change",
    "parse_card_rule",
    "parse_segment_definition",
    "reference_paths",
    "references",
    "rule_dependencies",
    "segment_definition_to_doc",
    "topological_order",
    "validate_card_rule",
    "validate_segment_definition",
    "window_changes",
]
