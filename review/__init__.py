"""``redspec review``: a learner's D2 model checked against a mechanism's rubric and, for the
state-machine mechanisms, against the spec itself (issue 20; docs/formats/rubric.md)."""
