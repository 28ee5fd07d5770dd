"""Documents made from plain service data: exports now, PDFs (flyers, slips, sheets) later."""
