class FiscalYearConverter:
    regex = r"\d{4}-\d{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class InitiativeCodeConverter:
    regex = r"\d{1,3}\.\d{1,3}\.\d{1,3}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
