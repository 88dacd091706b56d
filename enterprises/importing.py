"""Reading enterprise rows from CSV or .xlsx and validating them row by row."""

import csv
import functools
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from govern import clock, roles
from govern.errors import ApplicationError, InvalidInput, PermissionDenied
from govern.events import publish
from govern.exports import FORMULA_START, Sheet

from .events import ImportQueued
from .forms import ImportRowForm
from .models import District, Enterprise, ImportJob, IndustrialPark, Sector
from .services import REGISTRY_FIELDS, Registration, enterprise_register_many, uscc_accept
from .validators import normalize_uscc


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation: the header written on export
    required: bool = False
    kind: str = "text"  # text, bool, ref, choice

    def export(self, enterprise) -> object:
        if self.key == "uscc_override_reason":
            return enterprise.uscc_override_reason
        value = getattr(enterprise, self.key)
        if self.kind == "bool":
            return _("yes") if value else _("no")
        if self.kind == "ref":
            return value.name if value else ""
        if self.kind == "choice":
            return getattr(enterprise, f"get_{self.key}_display")() if value else ""
        if isinstance(value, Decimal):
            return float(value)
        return value

    def headers(self) -> set[str]:
        """Every header that names this column: its key and its label in each language."""
        names = {self.key.lower()}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(self.label).strip().lower())
        return names


COLUMNS = (
    Column("name", gettext_lazy("Enterprise name"), required=True),
    Column("uscc", gettext_lazy("Unified social credit code"), required=True),
    Column("sector", gettext_lazy("Sector"), required=True, kind="ref"),
    Column("district", gettext_lazy("District"), required=True, kind="ref"),
    Column("address", gettext_lazy("Address"), required=True),
    Column("longitude", gettext_lazy("Longitude")),
    Column("latitude", gettext_lazy("Latitude")),
    Column("legal_representative", gettext_lazy("Legal representative"), required=True),
    Column("contact_name", gettext_lazy("Contact person")),
    Column("contact_phone", gettext_lazy("Contact phone")),
    Column("park", gettext_lazy("Industrial park"), kind="ref"),
    Column("in_built_up_area", gettext_lazy("In a built-up area"), kind="bool"),
    Column("handles_hazardous_chemicals", gettext_lazy("Handles hazardous chemicals"), kind="bool"),
    Column("baseline_voc_tpa", gettext_lazy("Baseline VOC emissions (t/a)")),
    Column("baseline_nox_tpa", gettext_lazy("Baseline NOx emissions (t/a)")),
    Column("baseline_pm_tpa", gettext_lazy("Baseline particulate emissions (t/a)")),
    Column("performance_grade", gettext_lazy("Performance grade"), kind="choice"),
    Column("performance_graded_on", gettext_lazy("Performance graded on")),
    Column("performance_basis", gettext_lazy("Basis of the performance grade")),
    Column("sampling_category", gettext_lazy("Random-inspection category"), kind="choice"),
    Column("main_voc_materials", gettext_lazy("Main VOC-containing raw materials")),
    Column("treatment_facilities", gettext_lazy("Treatment facilities")),
    Column("uscc_override_reason", gettext_lazy("Reason for accepting a failing check character")),
)

PROGRESS_EVERY = 200  # rows between progress reports of a background import
MAX_PROBLEMS_KEPT = 2000  # rows with errors kept on a background job (the count is always exact)

# Numeric columns whose empty cell means the model's default (0 t/a), as on the registration form.
DEFAULTED_FIELDS = {"baseline_voc_tpa", "baseline_nox_tpa", "baseline_pm_tpa", "sampling_category"}
TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "✓"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否", "×"}


@dataclass
class RowResult:
    number: int  # the row's line in the file, header being line 1
    name: str
    uscc: str
    errors: list[str] = field(default_factory=list)
    enterprise_id: int | None = None
    values: dict[str, str] = field(default_factory=dict)  # the row as read, for the error report

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    rows: list[RowResult]
    committed: bool = False

    @property
    def bad_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]

    @property
    def imported(self) -> int:
        return sum(1 for r in self.rows if r.enterprise_id)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Our exports quote text that a spreadsheet would run as a formula; take the quote off again.
    if text[:1] == "'" and text[1:2] in FORMULA_START:
        text = text[1:]
    return text


def read_table(
    upload, *, max_bytes: int, columns: tuple[Column, ...] = COLUMNS, no_rows_message=None
) -> list[dict[str, str]]:
    """Parse an uploaded .csv or .xlsx into rows keyed by column key; raise InvalidInput if unreadable.

    ``columns`` are the enterprise registry's by default; the material ledger passes its own."""
    if upload.size is not None and upload.size > max_bytes:
        raise InvalidInput(
            _("The file is %(size).1f MB; at most %(max).1f MB is accepted.")
            % {"size": upload.size / 1e6, "max": max_bytes / 1e6},
            field="file",
        )
    raw = upload.read()
    matrix = _read_xlsx(raw) if raw[:4] == b"PK\x03\x04" else _read_csv(raw)  # .xlsx is a zip
    matrix = [row for row in matrix if any(_cell_text(c) for c in row)]
    if not matrix:
        raise InvalidInput(_("The file is empty."), field="file")
    header, *body = matrix
    lookup = {name: column.key for column in columns for name in column.headers()}
    keys = [lookup.get(_cell_text(h).lower()) for h in header]
    missing = [str(c.label) for c in columns if c.required and c.key not in keys]
    if missing:
        raise InvalidInput(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)},
            field="file",
        )
    if not body:
        raise InvalidInput(
            no_rows_message or _("The file has a header but no enterprise rows."), field="file"
        )
    rows = []
    for values in body:
        row = {key: _cell_text(value) for key, value in zip(keys, values, strict=False) if key}
        rows.append(row)
    return rows


# A sheet is read as far as its data goes, whatever dimension it declares, up to these bounds.
MAX_COLUMNS = 64


def _too_many_rows() -> InvalidInput:
    return InvalidInput(
        _("The file has more than %(max)d rows; split it into smaller files.")
        % {"max": settings.GOVERN_IMPORT_MAX_ROWS},
        field="file",
    )


def _read_xlsx(raw: bytes) -> list[list]:
    """Rows of the first sheet. openpyxl parses with defusedxml, so entity tricks are refused; the
    sheet's declared dimension is ignored (a file may claim a million rows, or hide rows beyond it)."""
    limit = settings.GOVERN_IMPORT_MAX_ROWS + 1  # the header
    rows: list[list] = []
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            if len(rows) >= limit:
                raise _too_many_rows()
            rows.append(list(row))
        workbook.close()
    except InvalidInput:
        raise
    except Exception as error:  # openpyxl and defusedxml raise many types for a broken file
        raise InvalidInput(
            _("This file cannot be read as an .xlsx workbook; save it again from Excel or as CSV."),
            field="file",
        ) from error
    return rows


def _read_csv(raw: bytes) -> list[list]:
    if b"\x00" in raw[:4096]:
        raise InvalidInput(
            _("The file is neither a CSV text file nor an .xlsx workbook."), field="file"
        )
    # Excel in China saves CSV as GB18030 unless told otherwise.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(_("The CSV file is neither UTF-8 nor GB18030 text."), field="file")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    limit = settings.GOVERN_IMPORT_MAX_ROWS + 1
    rows: list[list] = []
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for row in reader:
            if len(rows) >= limit:
                raise _too_many_rows()
            rows.append(row[:MAX_COLUMNS])
    except csv.Error as error:  # e.g. a cell longer than the csv module's field limit
        raise InvalidInput(
            _("Line %(line)d of the CSV file cannot be read: %(reason)s.")
            % {"line": reader.line_num, "reason": error},
            field="file",
        ) from error
    return rows


def _labelled(label, message) -> str:
    """A row's message named by its column, punctuated for the language ("联系电话：…" in Chinese)."""
    return _("%(column)s: %(message)s") % {"column": label, "message": message}


def row_to_form_data(
    row: dict[str, str], *, references: dict[str, dict[str, object]]
) -> tuple[dict, list[str]]:
    """Turn one row's text into form data, resolving sector, district and park names to ids."""
    data: dict[str, object] = {}
    errors: list[str] = []
    for column in COLUMNS:
        value = row.get(column.key, "")
        if column.kind == "bool":
            word = value.strip().lower()
            if word in TRUE_WORDS:
                data[column.key] = "on"
            elif word not in FALSE_WORDS:
                errors.append(
                    _("%(column)s: “%(value)s” is not yes or no.")
                    % {"column": column.label, "value": value}
                )
        elif column.kind == "ref":
            if value:
                found = references[column.key].get(value.lower())
                if found is None:
                    errors.append(
                        _("%(column)s: “%(value)s” is unknown.")
                        % {"column": column.label, "value": value}
                    )
                else:
                    data[column.key] = found.pk
        elif column.kind == "choice" and not value and column.key in DEFAULTED_FIELDS:
            data[column.key] = str(Enterprise._meta.get_field(column.key).get_default())
        elif column.kind == "choice":
            data[column.key] = _choice_value(column.key, value)
        elif not value and column.key in DEFAULTED_FIELDS:
            data[column.key] = str(Enterprise._meta.get_field(column.key).get_default())
        else:
            data[column.key] = value
    return data, errors


@functools.cache
def _choice_names(key: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for choice, label in Enterprise._meta.get_field(key).choices or ():
        names[str(choice).lower()] = str(choice)
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(label).strip().lower().replace("级", "")] = str(choice)
    return names


def _choice_value(key: str, value: str) -> str:
    """A choice written as its value or its label in either language (e.g. 引领性, A级, grade A);
    anything else is passed on for the form to refuse with its own message."""
    return _choice_names(key).get(value.strip().lower().replace("级", ""), value.strip())


ENGLISH_SUFFIXES = (" district", " county", " city")
CHINESE_SUFFIXES = ("区", "县", "市")


def _name_forms(item) -> set[str]:
    """The ways a row may name a reference: its Chinese name, English name and code, and for a
    district also without its kind (晋江 for 晋江市, Jinjiang for Jinjiang City) and an English name
    without its apostrophe (Nanan for Nan'an)."""
    forms = {item.name.strip().lower(), item.name_en.strip().lower(), item.code.strip().lower()}
    for name in list(forms):
        forms.add(name.replace("'", "").replace("’", ""))
        for suffix in ENGLISH_SUFFIXES:
            if name.endswith(suffix):
                forms.add(name.removesuffix(suffix).replace("'", ""))
                forms.add(name.removesuffix(suffix))
        if len(name) > 2 and name.endswith(CHINESE_SUFFIXES):
            forms.add(name[:-1])
    return {f for f in forms if f}


def reference_lookup(model) -> dict[str, object]:
    """Map each way of naming a reference (lower-cased) to its row; a short form two rows share is
    dropped, so it is reported as unknown rather than guessed."""
    lookup: dict[str, object] = {}
    taken: set[str] = set()
    items = list(model.objects.all())
    exact = {n.strip().lower() for i in items for n in (i.name, i.name_en, i.code)}
    for item in items:
        for form in _name_forms(item):
            if form in lookup and lookup[form] is not item and form not in exact:
                taken.add(form)
            lookup.setdefault(form, item)
    for item in items:  # the exact names always win
        for name in (item.name, item.name_en, item.code):
            lookup[name.strip().lower()] = item
    for form in taken - exact:
        lookup.pop(form, None)
    return lookup


@dataclass
class PreparedRow:
    """A checked row, ready to register."""

    data: dict
    uscc: str
    override_reason: str


def validate_rows(
    rows: list[dict[str, str]], *, by, progress: Callable[[int], None] | None = None
) -> tuple[ImportReport, list[PreparedRow | None]]:
    """Check every row like the registration form does, without a query per row.

    The registration form's own fields check each value (so the messages are the form's), the model's
    validators check what the model adds (bounds, control characters), sectors, districts and parks
    come from tables loaded once, and credit codes already registered are found in one query.
    ``progress`` hears how many rows were checked.
    """
    references = {
        "sector": reference_lookup(Sector),
        "district": reference_lookup(District),
        "park": reference_lookup(IndustrialPark),
    }
    by_pk = {name: {item.pk: item for item in refs.values()} for name, refs in references.items()}
    registered = set(
        Enterprise.objects.filter(
            uscc__in={normalize_uscc(r.get("uscc", "")) for r in rows}
        ).values_list("uscc", flat=True)
    )
    fields = ImportRowForm(user=by, references=by_pk).fields  # stateless: reused for every row
    may_override = roles.is_manager(by)
    model_exclusions = [
        f.name for f in Enterprise._meta.fields if f.name not in REGISTRY_FIELDS
    ] + list(ImportRowForm.REFERENCE_FIELDS)
    report = ImportReport(rows=[])
    prepared: list[PreparedRow | None] = []
    first_row_of: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        data, errors = row_to_form_data(row, references=references)
        result = RowResult(
            number=number,
            name=row.get("name", ""),
            uscc=normalize_uscc(row.get("uscc", "")),
            errors=errors,
            values=row,
        )
        cleaned = {}
        for name, form_field in fields.items():
            try:
                cleaned[name] = form_field.clean(
                    form_field.widget.value_from_datadict(data, {}, name)
                )
            except ValidationError as error:
                result.errors.extend(_labelled(form_field.label, m) for m in error.messages)
        override = str(data.get("uscc_override_reason", "")) if may_override else ""
        if "uscc" in cleaned:
            try:
                cleaned["uscc"] = uscc_accept(code=cleaned["uscc"], by=by, override_reason=override)
            except ValidationError as error:
                result.errors.extend(_labelled(fields["uscc"].label, m) for m in error.messages)
        registry = {f: cleaned[f] for f in REGISTRY_FIELDS if f in cleaned}
        if not result.errors:
            try:
                Enterprise(uscc=cleaned["uscc"], **registry).clean_fields(exclude=model_exclusions)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    label = fields[name].label if name in fields else ""
                    result.errors.extend(_labelled(label, m) if label else m for m in messages)
        if not result.errors and result.uscc in registered:
            result.errors.append(_("An enterprise with this credit code is already registered."))
        if result.uscc and result.uscc in first_row_of:
            result.errors.append(
                _("Same credit code as row %(row)d.") % {"row": first_row_of[result.uscc]}
            )
        first_row_of.setdefault(result.uscc, number)
        report.rows.append(result)
        prepared.append(
            None if result.errors else PreparedRow(registry, cleaned["uscc"], override.strip())
        )
        if progress and len(report.rows) % PROGRESS_EVERY == 0:
            progress(len(report.rows))
    if progress:
        progress(len(report.rows))
    return report, prepared


def register_rows(
    report: ImportReport,
    prepared: list[PreparedRow | None],
    *,
    by,
    file_name: str,
    skip_bad_rows: bool,
) -> ImportReport:
    """Register the valid rows in one transaction: all of them, or (unless skipping) none.

    Bulk inserts (``enterprise_register_many``); a credit code registered by someone else meanwhile
    refuses the whole file, or, when skipping bad rows, just that row."""
    if report.bad_rows and not skip_bad_rows:
        return report
    good = [(result, row) for result, row in zip(report.rows, prepared, strict=True) if row]
    with transaction.atomic():
        outcome = enterprise_register_many(
            rows=[
                Registration(
                    data=row.data,
                    uscc=row.uscc,
                    uscc_override_reason=row.override_reason,
                    reason=_("Imported from %(file)s, row %(row)d")
                    % {"file": file_name, "row": result.number},
                )
                for result, row in good
            ],
            by=by,
            skip_taken=skip_bad_rows,
        )
        for (result, _row), made in zip(good, outcome, strict=True):
            if isinstance(made, int):
                result.enterprise_id = made
            else:
                result.errors.append(made)
        if report.bad_rows and not skip_bad_rows:
            transaction.set_rollback(True)
            for row in report.rows:
                row.enterprise_id = None
            return report
        report.committed = True
    return report


def enterprise_import(*, upload, by, skip_bad_rows: bool) -> ImportReport | ImportJob:
    """Import a file: up to ``GOVERN_IMPORT_INLINE_ROWS`` rows at once (the report comes back),
    a larger file in the background (the job comes back; its page shows progress).

    Every row is checked first; a file with any bad row imports nothing unless ``skip_bad_rows``.
    """
    if not roles.is_manager(by):
        raise PermissionDenied()
    rows = read_table(upload, max_bytes=settings.GOVERN_IMPORT_MAX_BYTES)  # format errors now
    if len(rows) > settings.GOVERN_IMPORT_INLINE_ROWS:
        upload.seek(0)
        return import_job_start(upload=upload, by=by, skip_bad_rows=skip_bad_rows)
    report, forms = validate_rows(rows, by=by)
    return register_rows(report, forms, by=by, file_name=upload.name, skip_bad_rows=skip_bad_rows)


def error_report_rows(report: ImportReport) -> list[list[str]]:
    """The rows with errors as they were read, in the template's columns, followed by the row's line
    in the file and its errors: fix the cells, delete nothing, and upload the file again (the two
    last columns are not import columns and are ignored)."""
    return [
        [row.values.get(column.key, "") for column in COLUMNS]
        + [str(row.number), "；".join(row.errors)]
        for row in report.bad_rows
    ]


def error_report_headers() -> list[str]:
    return [str(column.label) for column in COLUMNS] + [
        str(_("Line in your file")),
        str(_("Errors")),
    ]


def template_sheets() -> list[Sheet]:
    """The import template: the header row, and a second sheet with the accepted values."""
    reference = []
    for label, names in (
        (_("Sector"), Sector.objects.order_by("name").values_list("name", flat=True)),
        (_("District"), District.objects.order_by("name").values_list("name", flat=True)),
        (
            _("Industrial park"),
            IndustrialPark.objects.order_by("name").values_list("name", flat=True),
        ),
        *(
            (column.label, [label for _v, label in Enterprise._meta.get_field(column.key).choices])
            for column in COLUMNS
            if column.kind == "choice"
        ),
        (_("In a built-up area"), ["是", "否"]),
    ):
        reference.extend([str(label), str(name)] for name in names)
    return [
        Sheet(_("Enterprises"), [str(column.label) for column in COLUMNS], []),
        Sheet(_("Accepted values"), [_("Column"), _("Value")], reference),
    ]


# Background imports: the file is stored, a worker checks and imports it, the page shows progress.


def import_job_start(*, upload, by, skip_bad_rows: bool) -> ImportJob:
    """Store an import file and queue it for a worker (the file is read once there)."""
    if not roles.is_manager(by):
        raise PermissionDenied()
    if upload.size is not None and upload.size > settings.GOVERN_IMPORT_MAX_BYTES:
        read_table(upload, max_bytes=settings.GOVERN_IMPORT_MAX_BYTES)  # raises the size error
    data = upload.read()
    name = default_storage.save(
        f"imports/{uuid.uuid4().hex}-{upload.name[-80:]}", ContentFile(data)
    )
    with transaction.atomic():
        job = ImportJob.objects.create(
            file=name,
            original_name=(upload.name or "")[:200],
            skip_bad_rows=skip_bad_rows,
            created_by=by,
        )
        publish(ImportQueued(job_id=job.pk, by_id=by.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Check every row (progress saved as it goes), then import as ``enterprise_import`` does.

    Safe to run twice: a finished job is left as it is.
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return job
    by = job.created_by
    try:
        with default_storage.open(job.file.name, "rb") as stored:
            upload = ContentFile(stored.read(), name=job.original_name)
        rows = read_table(upload, max_bytes=settings.GOVERN_IMPORT_MAX_BYTES)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.CHECKING, total_rows=len(rows)
        )

        def progress(checked: int) -> None:
            ImportJob.objects.filter(pk=job.pk).update(checked_rows=checked)

        report, forms = validate_rows(rows, by=by, progress=progress)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
        report = register_rows(
            report, forms, by=by, file_name=job.original_name, skip_bad_rows=job.skip_bad_rows
        )
    except ApplicationError as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, error=str(error.message), finished_at=clock.now()
        )
    else:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE,
            bad_rows=len(report.bad_rows),
            imported=report.imported,
            committed=report.committed,
            problems=[
                {"number": r.number, "name": r.name, "uscc": r.uscc, "errors": r.errors}
                for r in report.bad_rows[:MAX_PROBLEMS_KEPT]
            ],
            finished_at=clock.now(),
        )
    job.refresh_from_db()
    return job
