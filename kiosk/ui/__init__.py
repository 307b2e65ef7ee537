"""The Qt kiosk: screens and widgets only; all data work goes through `dbworker`."""
