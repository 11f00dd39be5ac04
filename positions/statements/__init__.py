"""Statement extraction: pure stages from a document's text to attributed, classified statements."""
