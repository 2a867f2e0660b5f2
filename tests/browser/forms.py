"""Forms that more than one browser test fills in the same way (the secretariat's
journey and the tests of each page): one place for the labels the user reads."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


def fill_it_agreement(page: Page) -> None:
    """The IT host agreement of Nord-Troms, hosted by Kåfjord (kommuneloven § 20-2)."""
    page.get_by_label("Tjeneste", exact=True).fill("IT-drift")
    page.get_by_label("Vertskommune", exact=True).select_option(label="Kåfjord")
    page.get_by_label("Hjemmel").select_option("20-2")
    page.get_by_label("Delegert myndighet").fill("Drift og utvikling av IT for deltakerne")
    page.get_by_label("Årsverk hos vertskommunen").fill("4")
    page.get_by_label("Årlig kostnad (NOK)").fill("1 200 000")
    page.get_by_label("Kostnadsnøkkel", exact=True).select_option(label="Regionrådsnøkkel (20/80)")
    page.get_by_label("Gjelder fra").fill("2025-01-01")
    page.get_by_label("Oppsigelsestid (måneder)").fill("12")
    page.get_by_label("Hvorfor registreres avtalen?").fill("Vedtatt i regionrådet sak 4/24")


def fill_health_strategy(form: Locator, number: str) -> None:
    """Strategy «Helse og omsorg», with Kåfjord's chief executive responsible."""
    form.get_by_label("Nummer").fill(number)
    form.get_by_label("Tittel").fill("Helse og omsorg")
    form.get_by_label("Utfordring").fill("Få fagfolk i små kommuner.")
    form.get_by_label("Mål", exact=True).fill("Robuste helsetjenester.")
    form.get_by_label("Forventet resultat").fill("Felles legevakt.")
    form.get_by_label("Saksansvarlig kommunedirektør").select_option(label="Kåre Kommunedirektør (Kåfjord)")
    form.get_by_label("Hvorfor registreres eller endres strategien?").fill("Fordelt i kommunedirektørutvalget")


def fill_partner_invitation(page: Page, *, scope: str, reason: str) -> None:
    """Lise Lege of UNN HF, invited as an outside partner's user."""
    page.get_by_label("Navn", exact=True).fill("Lise Lege")
    page.get_by_label("E-post", exact=True).fill("lise.lege@unn.no")
    page.get_by_label("Stilling", exact=True).fill("Overlege")
    page.get_by_label("Organisasjon", exact=True).fill("UNN HF")
    page.get_by_label("Rolle", exact=True).select_option(label="Ekstern partner")
    page.get_by_label("Gjelder", exact=True).select_option(label=scope)
    page.get_by_label("Hvorfor inviteres personen?").fill(reason)


def fill_shared_measure(page: Page, *, strategy: str, number: str, title: str) -> None:
    """A measure Kåfjord runs with Lyngen and UNN HF taking part."""
    page.get_by_label("Strategi", exact=True).select_option(label=strategy)
    page.get_by_label("Nummer").fill(number)
    page.get_by_label("Tittel").fill(title)
    for participant in ("Kåfjord", "Lyngen", "UNN HF"):
        page.get_by_label(participant).check()
    page.get_by_label("Ansvarlig kommune").select_option(label="Kåfjord")


def fill_storfjord_membership(page: Page, *, joined_on: str, consents: dict[str, str | None], reason: str) -> None:
    """Storfjord taken in as a member, with the consents given (member → the
    council's decision, or None to tick the box without one)."""
    page.get_by_label("Kommune", exact=True).select_option(label="Storfjord (5538)")
    page.get_by_label("Medlem fra").fill(joined_on)
    for member, decision in consents.items():
        page.get_by_label(f"{member} samtykker").check()
        if decision is not None:
            page.get_by_label(f"Vedtak i kommunestyret i {member} (dato og saksnummer)").fill(decision)
    page.get_by_label("Hvorfor tas kommunen opp?").fill(reason)
