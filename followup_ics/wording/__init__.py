"""Wording: planned steps turned into titles, descriptions, drafts and alarm texts; the planner emits no words."""
