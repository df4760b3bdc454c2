"""Operations: what the back office watches (the account dashboard, the exception report)."""
