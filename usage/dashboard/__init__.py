"""The usage dashboard (views.py), its trends and charts, its period, and the sections apps above
usage add to it (sections.py)."""
