"""The catchment's population, for rates against it: ONS mid-year estimates by LSOA."""

from __future__ import annotations

from django.db import models


class CatchmentPopulation(models.Model):
    """One LSOA of the scheme's catchment: its residents of all ages and of each single year
    of age (0 to 89, then 90 and over), from `linkwork import-population`. Loading a file
    replaces every row, so the table is always one release of the estimates."""

    lsoa = models.CharField("LSOA", max_length=9, primary_key=True)
    name = models.CharField(max_length=200, blank=True)
    all_ages = models.PositiveIntegerField()
    by_age = models.JSONField(help_text="Residents of each single year of age, 0 to 90+.")

    class Meta:
        ordering = ["lsoa"]
        verbose_name = "catchment population"

    def __str__(self) -> str:
        return self.lsoa
