"""The CV check is the portal's PDF check (community/pdf.py), shared with group files."""

from community.pdf import MAX_CV_BYTES, MAX_PDF_OBJECTS, MAX_PDF_PAGES, minimal_pdf, validate_pdf

__all__ = ["MAX_CV_BYTES", "MAX_PDF_OBJECTS", "MAX_PDF_PAGES", "minimal_pdf", "validate_pdf"]
