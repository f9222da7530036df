"""Questionnaires: models, loading (bundled and user files), answers and scoring."""

from boaudit.questionnaire.loader import (
    bundled_ids,
    load_bundled,
    load_questionnaire,
    validate_file,
)
from boaudit.questionnaire.models import Question, Questionnaire, Rubric, Section

__all__ = [
    "Question",
    "Questionnaire",
    "Rubric",
    "Section",
    "bundled_ids",
    "load_bundled",
    "load_questionnaire",
    "validate_file",
]
