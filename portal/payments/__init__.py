"""Fees paid online (VNPay 2.1.0, or the built-in sandbox gateway) and at the desk.

`vnpay` is the protocol, `provider` the gateway interface, `sandbox` the development gateway,
`operations` what changes state, `views`/`api`/`cli` the ways in."""
