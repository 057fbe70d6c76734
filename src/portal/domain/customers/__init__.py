"""Customer companies: their accounts (terms, credit limit) and the users who buy for them."""
