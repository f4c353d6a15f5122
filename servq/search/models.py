from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    """One plan item as the search index sees it: its terms and what the filters need.

    The full-text index itself is database-specific and made by migration 0002: a GIN index over
    to_tsvector('simple', ...) on PostgreSQL, an FTS5 table kept in step by triggers on SQLite.
    """

    item = models.OneToOneField("plans.PlanItem", on_delete=models.CASCADE, related_name="search_document")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey("plans.Program", on_delete=models.CASCADE, related_name="+")
    node = models.ForeignKey("plans.FrameworkNode", null=True, on_delete=models.SET_NULL, related_name="+")
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20)
    unit_names = models.CharField(max_length=1000, blank=True)
    # Space-separated terms (search/rules.py): the item's own words rank above its context's.
    terms = models.TextField()
    context_terms = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "first_year"], name="search_status_year_idx")]

    def __str__(self) -> str:
        return f"search document of item {self.item_id}"


class SearchPosting(models.Model):
    """A term's weight in one document, ordered by weight in the index: a one-term query (every
    one- or two-character query) reads its best documents straight off the index, however common
    the term."""

    term = models.CharField(max_length=40)
    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="postings")
    score = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["term", "-score"], name="search_posting_term_score")]

    def __str__(self) -> str:
        return f"{self.term}: {self.score:.2f}"


class Entry(models.Model):
    """One document of any kind in the platform search (core.search_kinds): a service, a FAQ entry,
    a dataset, a case reply, a plan item. Who may see it is in the row (``public``, ``agency_path``),
    so the reach is part of the query, never a filter after it."""

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    text = models.TextField()
    url = models.CharField(max_length=300)
    agency_path = models.CharField(max_length=255, blank=True)
    public = models.BooleanField(default=False)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    topic = models.CharField(max_length=4, blank=True)  # 主題 / 施政 / 服務
    # The title and text folded as queries are (rules.fold_variants): a phrase is checked against it.
    folded = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="search_entry_once")]
        indexes = [
            models.Index(fields=["agency_path"], name="search_entry_agency"),
            # Covering: the reach and the facets of a query's candidates are read off the index alone.
            models.Index(
                fields=["id"],
                name="search_entry_facets",
                include=["public", "agency_path", "kind", "topic", "year"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class EntryPosting(models.Model):
    """A term's weight in one entry. (term, -score) answers one-term queries best first; the key,
    (entry, term), answers "does this candidate hold that term too" for the rarer-first
    intersection (on PostgreSQL its index carries the score: migration 0011)."""

    pk = models.CompositePrimaryKey("entry", "term")
    term = models.CharField(max_length=40)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="postings", db_index=False)
    score = models.FloatField()

    class Meta:
        indexes = [
            # entry_id included: a term's best postings are read off the index alone.
            models.Index(fields=["term", "-score"], name="search_entryposting_best", include=["entry"]),
        ]

    def __str__(self) -> str:
        return f"{self.term}: {self.score:.2f}"


class Synonym(models.Model):
    """Words the body treats as one in search (身分證 ↔ 國民身分證): a query for one also finds the
    others. Kept by supervisors on /search/synonyms/ as one group a line."""

    words = models.CharField(max_length=300)  # folded, separated by 「, 」
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.words


class Rebuild(models.Model):
    """A full rebuild of the platform index under way (services.rebuild): while one is, every writer
    of the index notes the documents it wrote (RebuildChange), and the rebuild writes those again as
    it swaps its fresh tables in, so nothing changed meanwhile is lost."""

    started_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"rebuild started {self.started_at:%Y-%m-%d %H:%M}"


class RebuildChange(models.Model):
    rebuild = models.ForeignKey(Rebuild, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
