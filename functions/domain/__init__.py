"""Pure domain rules (identifiers, risk, requirements, deadlines, documents) with no AWS calls."""
