"""Receipts on paper, without Qt: the words a receipt says and ESC/POS receipt printers.

The system printer (through Qt's print support) stays in the receipt screen; everything
here runs on a worker thread and is handed plain data.
"""
