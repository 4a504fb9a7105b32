"""Full-text search for English and Japanese, shared by every app.

A searchable model keeps `search_text = models.TextField(editable=False, default="")`, filled
with `search_text(...)` of all its searchable fields in every language, and filters with
`apply_search(queryset, query)`.

Japanese has no spaces between words, so CJK runs are indexed as overlapping character
bigrams (東京都 → 東京 京都, plus the last character alone so that a one-character query
still matches): any word of two or more characters is then found as the AND of its bigrams.
Latin words and numbers are lower-cased after NFKC (full-width Ｔｏｋｙｏ → tokyo) and
matched by prefix. On PostgreSQL the column's tsvector is stored beside it in a generated
column with a GIN index (see `SearchVector`): a filter that also uses another index then
rechecks stored vectors instead of parsing every candidate's text again. On SQLite (`make run`)
the search is AND-ed `icontains`.
"""

import unicodedata

from django.db import connection, models
from django.db.migrations.operations.base import Operation
from django.db.models.expressions import RawSQL

MAX_QUERY_TOKENS = 12


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana (incl. ー)
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x31F0 <= code <= 0x31FF  # katakana phonetic extensions
        or char in "々〆ヵヶ"
    )


def _runs(text: str):
    """Yield (is_cjk, run) for each maximal run of CJK or of other letters/digits."""
    run, run_is_cjk = [], False
    for char in unicodedata.normalize("NFKC", text or "").lower():
        if _is_cjk(char):
            kind = True
        elif char.isalnum():
            kind = False
        else:
            if run:
                yield run_is_cjk, "".join(run)
            run = []
            continue
        if run and kind != run_is_cjk:
            yield run_is_cjk, "".join(run)
            run = []
        run_is_cjk = kind
        run.append(char)
    if run:
        yield run_is_cjk, "".join(run)


def _document_tokens(text: str) -> list[str]:
    tokens = []
    for is_cjk, run in _runs(text):
        if not is_cjk or len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            tokens.append(run[-1])
    return tokens


def search_text(*texts) -> str:
    """The normalized, space-separated tokens of all given texts (None and "" are skipped)."""
    seen, tokens = set(), []
    for text in texts:
        for token in _document_tokens(str(text) if text else ""):
            if token not in seen:
                seen.add(token)
                tokens.append(token)
    return " ".join(tokens)


def query_tokens(query: str) -> list[tuple[str, bool]]:
    """(token, is_prefix) pairs of a user's query: latin words and single CJK characters match
    by prefix, CJK bigrams exactly. At most MAX_QUERY_TOKENS, duplicates removed."""
    result, seen = [], set()
    for is_cjk, run in _runs(query):
        bigrams = is_cjk and len(run) > 1
        pairs = [(run[i : i + 2], False) for i in range(len(run) - 1)] if bigrams else [(run, True)]
        for pair in pairs:
            if pair not in seen:
                seen.add(pair)
                result.append(pair)
    return result[:MAX_QUERY_TOKENS]


def query_length(query: str) -> int:
    """How many letters, digits and CJK characters a query has (punctuation and spaces aside)."""
    return sum(len(run) for _is_cjk, run in _runs(query))


def apply_search(queryset: models.QuerySet, query: str, field: str = "search_text") -> models.QuerySet:
    """Filter `queryset` to rows whose `field` contains every token of `query`.

    An empty query (or one without letters or digits) returns the queryset unchanged.
    """
    tokens = query_tokens(query)
    if not tokens:
        return queryset
    if connection.vendor == "postgresql":
        # Tokens hold only letters and digits (see _runs), so they cannot break the tsquery
        # syntax; they are still quoted, and the whole string is a bound parameter.
        tsquery = " & ".join(f"'{token}'" + (":*" if prefix else "") for token, prefix in tokens)
        column = connection.ops.quote_name(vector_column(queryset.model._meta.get_field(field).column))
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        return queryset.filter(
            RawSQL(
                f"{table}.{column} @@ to_tsquery('simple'::regconfig, %s)",
                [tsquery],
                output_field=models.BooleanField(),
            )
        )
    for token, _prefix in tokens:
        queryset = queryset.filter(**{f"{field}__icontains": token})
    return queryset


def vector_column(column: str) -> str:
    return f"{column.removesuffix('_text')}_vector"


class SearchIndex(Operation):
    """Migration operation: a GIN index on to_tsvector('simple', <column>) on PostgreSQL only.

    Other databases migrate without it (SQLite searches with icontains).
    Usage: `SearchIndex("communitygroup", "search_text")` after the model's CreateModel/AddField.
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, column: str = "search_text"):
        self.model_name = model_name
        self.column = column

    def deconstruct(self):
        return self.__class__.__qualname__, [self.model_name, self.column], {}

    def state_forwards(self, app_label, state):
        pass

    def _names(self, app_label, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        return table, f"{table[:40]}_{self.column[:12]}_fts"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table, name = self._names(app_label, to_state)
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
            f"USING gin (to_tsvector('simple'::regconfig, {quote(self.column)}))"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        _table, name = self._names(app_label, from_state)
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    def describe(self):
        return f"Full-text GIN index on {self.model_name}.{self.column} (PostgreSQL only)"


class SearchVector(SearchIndex):
    """Migration operation, PostgreSQL only: a stored generated column
    `<name>_vector = to_tsvector('simple', <name>_text)` with a GIN index, replacing the
    expression index of `SearchIndex`. Not a model field: Django never writes it.
    Usage: `SearchVector("communitygroup", "search_text")`.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = to_state.apps.get_model(app_label, self.model_name)._meta.db_table
        quote = schema_editor.quote_name
        vector = vector_column(self.column)
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} ADD COLUMN IF NOT EXISTS {quote(vector)} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {quote(self.column)})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(f'{table[:40]}_{vector[:14]}_gin')} "
            f"ON {quote(table)} USING gin ({quote(vector)})"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(f'{table[:40]}_{self.column[:12]}_fts')}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        SearchIndex(self.model_name, self.column).database_forwards(app_label, schema_editor, from_state, to_state)
        table = from_state.apps.get_model(app_label, self.model_name)._meta.db_table
        quote = schema_editor.quote_name
        schema_editor.execute(f"ALTER TABLE {quote(table)} DROP COLUMN IF EXISTS {quote(vector_column(self.column))}")

    def describe(self):
        return f"Stored tsvector with a GIN index for {self.model_name}.{self.column} (PostgreSQL only)"


class InlineSearchVector(SearchIndex):
    """Migration operation, PostgreSQL only: keep the stored tsvector of `SearchVector` in the
    row (STORAGE MAIN) and write the rows again so that existing ones follow.

    A module's or a posting's row (a description in two languages, the search text) is wider
    than PostgreSQL's 2 kB threshold, so the largest values were moved out of line, the vector
    among them; a search matching most rows is counted with a sequential scan (the planner's
    choice, rightly, for 60-75 % of the rows) that then fetched every row's vector from the
    TOAST table: 12 ms for 3,000 modules, 4 ms with the vectors in the rows.
    Usage: `InlineSearchVector("module", "search_text")`, after its `SearchVector`.
    """

    def _set_storage(self, app_label, schema_editor, state, storage: str) -> str:
        table = schema_editor.quote_name(state.apps.get_model(app_label, self.model_name)._meta.db_table)
        vector = schema_editor.quote_name(vector_column(self.column))
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {vector} SET STORAGE {storage}")
        return table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = self._set_storage(app_label, schema_editor, to_state, "MAIN")
        # Any update writes the row again and computes the generated column in the new storage.
        column = schema_editor.quote_name(self.column)
        schema_editor.execute(f"UPDATE {table} SET {column} = {column}")  # noqa: S608 - names from the models

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        self._set_storage(app_label, schema_editor, from_state, "EXTENDED")

    def describe(self):
        return f"Keep the tsvector of {self.model_name}.{self.column} in the row (PostgreSQL only)"
