"""import-linter contract: a feature imports another feature only through its package.

`bot.features.planner` may use `from bot.features.faq import KnowledgeStore`, never
`bot.features.faq.store`: a feature's `__init__` is its public face, and everything else inside
it may change without the others noticing. Checked by `make lint` (`lint-imports`).
"""

from __future__ import annotations

from typing import Any

from importlinter import Contract, ContractCheck, fields, output


class FeatureApiContract(Contract):
    features = fields.StringField()  # the package holding one subpackage per feature

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        prefix = self.features + "."
        broken: list[dict[str, Any]] = []
        for importer in sorted(m for m in graph.modules if m.startswith(prefix)):
            own = importer.split(".")[len(self.features.split("."))]
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if not imported.startswith(prefix):
                    continue
                parts = imported[len(prefix) :].split(".")
                if parts[0] == own or len(parts) == 1:
                    continue  # its own modules, or another feature's package face
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    broken.append(
                        {
                            "importer": importer,
                            "imported": imported,
                            "line": detail["line_number"],
                            "face": prefix + parts[0],
                        }
                    )
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["broken"]:
            output.print_error(
                f"{item['importer']}:{item['line']} imports {item['imported']}; "
                f"import it from {item['face']} instead",
                bold=False,
            )
            output.new_line()
