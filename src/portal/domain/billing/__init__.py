"""Settlement (结算): invoices, credit notes, payments, bank statements, statements of account, closing.

One module per concept; doors (``customer/``, ``staff/finance/``) call these and never query:

- ``money``        the one rounding rule (ROUND_HALF_UP to the cent, per document) and tax split
- ``balances``     what is still owed: an invoice's paid, credited and open amounts and its status
- ``invoices``     issuing invoices (per shipment, or at confirmation when prepaid), fapiao numbers,
                   and ``readable(model, actor)``, the one scoping helper of settlement documents
- ``credit_notes`` credit notes against an invoice (manual, or from an approved return)
- ``views``        the invoice lists (the buyer's, finance's, an order's) with status, one statement
- ``documents``    one invoice or credit note as printed, with what settled it
- ``pdf``          invoices and credit notes as PDF (layout shared with the confirmation: ``domain.pdf``)
- ``payments``     recording, allocating (核销) and reversing payments; unapplied credit
- ``bank_import``  reading a bank's CSV export, proposing matches, confirming them
- ``receivables``  what an account owes and its credit exposure (the review's credit check), and
                   the receivables and work queues on finance's dashboard
- ``statement``    the statement of account (对账单) with ageing; ``statement_files`` its PDF and CSV
- ``reminders``    due and overdue reminders, once per invoice and kind
- ``closing``      closing settled orders (the settlement cron and finance's button)
- ``archive``      the per-order ZIP archive of its documents, payments and timeline

Numbers come from ``portal.domain.numbering`` (``INV-2026-000001``, ``CN-2026-000001``).
"""
