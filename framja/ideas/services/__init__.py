"""Split by audience: `public` (submitters, the public) and `casework` (coordinators, advisers)."""
