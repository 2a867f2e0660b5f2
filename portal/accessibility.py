"""The accessibility statement (tilgjengelighetserklæring): one home for what it says.

Norwegian law (forskrift om universell utforming av IKT-løsninger) requires
public web solutions, extranets included, to meet the 47 success criteria of
WCAG 2.1 A and AA that the regulation names, and to publish a statement made
in Uutilsynet's uustatus.no. The page /tilgjengelighet/ follows that
statement's structure (status, deviations, what is outside the rules,
feedback and complaints, how it was made) and is the basis an installation
copies into uustatus.no; ACCESSIBILITY_UUSTATUS_URL then links the published
one (README, "Accessibility statement").

What is claimed here is checked:
- every page in CHECKED_PAGES is run through axe-core (WCAG 2.0/2.1 A and AA
  rules) at 1366 px and 375 px by tests/browser/test_accessibility.py, for the
  role named; one violation fails the suite, so "0 brudd" stays true;
- tests/portal/test_accessibility.py checks that the page lists every checked
  page and every deviation, and that every page links the statement.
Update REVIEWED_ON and DEVIATIONS when a release changes what users meet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

CREATED_ON = dt.date(2026, 11, 30)
REVIEWED_ON = dt.date(2026, 12, 2)
AXE_VERSION = "4.14.1"  # tests/browser/vendor/axe.min.js
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
WIDTHS = (1366, 375)
CRITERIA_IN_LAW = 47


@dataclass(frozen=True)
class CheckedPage:
    label: str
    path: str  # in the demo data (load_demo); {measure} is a measure Kåfjord owns there, {meeting} the Senja
    # meeting of 6.12.2017, {council_case} Nord-Troms' joint council case
    role: str  # the demo user who opens it, or "" for a visitor who is not logged in

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


ROLE_LABELS = {
    "": _("Ikke innlogget"),
    "ordforer-kafjord": _("Politiker"),
    "admin-kafjord": _("Saksbehandler i en kommune"),
    "sekretariat-nordtroms": _("Sekretariatet"),
}


# The pages users meet, each as the role that works there. Paths use the demo
# data so the browser test and the statement name the same pages.
CHECKED_PAGES: tuple[CheckedPage, ...] = (
    CheckedPage(_("Forsiden"), "/", ""),
    CheckedPage(_("Innlogging"), "/konto/login/", ""),
    CheckedPage(_("Et samarbeid med tiltak, medlemmer og organer"), "/samarbeid/nord-troms/", ""),
    CheckedPage(_("Oversikt for politikere"), "/samarbeid/nord-troms/oversikt/", ""),
    CheckedPage(_("En strategi"), "/samarbeid/nord-troms/strategi/1/", ""),
    CheckedPage(_("En kommune i samarbeidet"), "/samarbeid/nord-troms/kommune/5540/", "ordforer-kafjord"),
    CheckedPage(_("Hva hver kommune betaler"), "/samarbeid/nord-troms/kostnader/", ""),
    CheckedPage(_("Vertskommuner"), "/samarbeid/nord-troms/vertskommuner/", ""),
    CheckedPage(_("Prioritering"), "/samarbeid/nord-troms/prioritering/", ""),
    CheckedPage(_("Tiltaksliste med filtre"), "/samarbeid/nord-troms/tiltak/", ""),
    CheckedPage(_("Mine samarbeid (politikere)"), "/mine-samarbeid/", "ordforer-kafjord"),
    CheckedPage(_("Mine tiltak"), "/mine-tiltak/", "admin-kafjord"),
    CheckedPage(_("Et tiltak med statusskjema og tidslinje"), "/tiltak/{measure}/", "admin-kafjord"),
    CheckedPage(_("Status på egen side"), "/tiltak/{measure}/status/", "admin-kafjord"),
    CheckedPage(_("Endre et tiltak"), "/tiltak/{measure}/endre/", "admin-kafjord"),
    CheckedPage(_("Rapporteringsrunder"), "/samarbeid/nord-troms/rapporteringsrunder/", "sekretariat-nordtroms"),
    CheckedPage(_("Rapporter: bestilling og arkiv"), "/rapporter/?samarbeid=nord-troms", "sekretariat-nordtroms"),
    CheckedPage(_("Import av tiltak"), "/samarbeid/nord-troms/import/", "sekretariat-nordtroms"),
    CheckedPage(_("Revisjonsspor"), "/samarbeid/nord-troms/revisjonsspor/", "sekretariat-nordtroms"),
    CheckedPage(_("Forvaltning"), "/samarbeid/nord-troms/forvaltning/", "sekretariat-nordtroms"),
    CheckedPage(_("Planer og strategier"), "/samarbeid/nord-troms/planer/", "sekretariat-nordtroms"),
    CheckedPage(_("Nytt tiltak"), "/samarbeid/nord-troms/tiltak/nytt/", "sekretariat-nordtroms"),
    CheckedPage(_("Roller og invitasjoner"), "/samarbeid/nord-troms/roller/", "sekretariat-nordtroms"),
    CheckedPage(_("Vertskommuneavtaler"), "/samarbeid/nord-troms/avtaler/", "sekretariat-nordtroms"),
    CheckedPage(_("Medlemmer"), "/samarbeid/nord-troms/medlemmer/", "sekretariat-nordtroms"),
    CheckedPage(_("Fagnettverk"), "/samarbeid/nord-troms/fagnettverk/", "sekretariat-nordtroms"),
    CheckedPage(_("Organer og medlemmer"), "/samarbeid/nord-troms/organer/", "sekretariat-nordtroms"),
    CheckedPage(_("Møter og referater"), "/samarbeid/senja/moter/", ""),
    CheckedPage(_("Et møte med saker og oppfølging"), "/samarbeid/senja/moter/{meeting}/", ""),
    CheckedPage(_("Oppfølging fra møtene"), "/samarbeid/nord-troms/oppfolging/", "sekretariat-nordtroms"),
    CheckedPage(_("Felles kommunestyresaker"), "/samarbeid/nord-troms/fellessaker/", ""),
    CheckedPage(_("En felles sak, kommune for kommune"), "/samarbeid/nord-troms/fellessaker/{council_case}/",
                "sekretariat-nordtroms"),
    CheckedPage(_("Årshjul"), "/samarbeid/nord-troms/arshjul/", ""),
    CheckedPage(_("Kalenderen din"), "/mine-samarbeid/kalender/", "admin-kafjord"),
    CheckedPage(_("Administrasjon: tiltak"), "/admin/collaborations/measure/", "sekretariat-nordtroms"),
    CheckedPage(_("Administrasjon: roller"), "/admin/collaborations/roleassignment/", "sekretariat-nordtroms"),
    CheckedPage(_("Tilgjengelighetserklæringen"), "/tilgjengelighet/", ""),
)


@dataclass(frozen=True)
class Deviation:
    criteria: str  # WCAG success criteria, e.g. "1.1.1, 1.3.1"
    title: str
    what: str  # what does not work, for whom
    why: str  # why, and what is done about it


# Known deviations and what has not been checked. Honest, short, in the words
# a user understands. A deviation fixed is removed here in the same commit.
DEVIATIONS: tuple[Deviation, ...] = (
    Deviation(
        "1.1.1, 1.3.1, 2.4.2, 3.1.1", _("Vedlegg som brukerne laster opp"),
        _("Dokumenter som lastes opp på et tiltak (Word, PDF, regneark, bilder) kontrolleres ikke. "
          "De kan mangle overskrifter, tekstalternativ til bilder eller dokumenttittel."),
        _("Innholdet lages utenfor portalen. Den som laster opp, har ansvaret for at dokumentet er "
          "universelt utformet. Be om dokumentet i et annet format via kontaktadressen nedenfor."),
    ),
    Deviation(
        "1.3.1, 1.3.2, 1.1.1", _("Rapportene som PDF"),
        _("Rapportene lages som merket PDF (PDF/A-2a) med språk, tittel og tekstalternativ til diagrammet, "
          "men er ikke kontrollert med PDF Accessibility Checker eller skjermleser."),
        _("Alt innholdet i rapportene finnes også som nettsider i portalen (oversikt, kommunesider og "
          "kostnader). Manuell kontroll av PDF-ene er planlagt før neste rapportsesong."),
    ),
    Deviation(
        "1.3.3, 1.4.13, 2.1.1, 2.4.3, 2.4.6, 3.3.3, 4.1.2", _("Ikke fullstendig manuelt kontrollert"),
        _("Automatisk testing finner bare en del av bruddene. Tastaturbruk, fokusrekkefølge og feilmeldinger "
          "i skjemaene for status er testet i nettleser, men portalen er ikke gjennomgått med skjermleser "
          "(NVDA, VoiceOver) eller av en ekstern revisor."),
        _("En gjennomgang mot alle 47 krav med skjermleser er planlagt før portalen settes i drift hos "
          "flere samarbeid."),
    ),
)

OUTSIDE_THE_RULES = (
    _("Portalen har ikke video eller lyd, så kravene om teksting og synstolking (1.2.1–1.2.5) gjelder ikke."),
    _("Dokumenter fra eksterne kilder som lenkes til fra tiltak, er ikke en del av portalen."),
)


def statement_context(settings) -> dict:
    """What the statement page shows; the installation's own details from settings."""
    return {
        "created_on": CREATED_ON,
        "reviewed_on": REVIEWED_ON,
        "axe_version": AXE_VERSION,
        "widths": WIDTHS,
        "criteria_in_law": CRITERIA_IN_LAW,
        "checked_pages": CHECKED_PAGES,
        "deviations": DEVIATIONS,
        "outside_the_rules": OUTSIDE_THE_RULES,
        "owner": settings.ACCESSIBILITY_OWNER,
        "contact": settings.ACCESSIBILITY_CONTACT,
        "uustatus_url": settings.ACCESSIBILITY_UUSTATUS_URL,
    }
