"""The start page, a collaboration's page, the health check, and the
registry's pages: members (joining with consent, leaving), networks,
mergers, and the collaboration's own records (its description, bodies and
their members, people, outside partners, population figures)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..access import policy
from ..access.policy import Action
from ..common.concurrency import latest_history_id
from ..common.dates import norwegian_date
from ..common.errors import ConcurrentEditError
from ..common.forms import form_after_conflict, record_form_again, submit, submit_unless_changed
from ..common.responses import RecordPages, record_form_page, saved_and_back
from ..meetings.selectors import council_cases_about
from ..portfolio.selectors import measures_for_list
from . import selectors
from .forms import (
    BodyForm,
    BodyMemberEndForm,
    BodyMemberForm,
    CollaborationForm,
    MemberAddForm,
    MemberExitForm,
    MergerForm,
    NetworkForm,
    OutsidePartnerForm,
    PersonForm,
    PopulationFigureForm,
)
from .services import (
    MembershipEnded,
    body_member_save,
    body_save,
    collaboration_save,
    membership_add,
    membership_end,
    merger_apply,
    network_save,
    outside_partner_save,
    person_save,
    population_figure_save,
)


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Liveness for compose health checks, and the floor of the dashboard benchmark."""
    return HttpResponse("ok", content_type="text/plain")


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "collaborations/registry/home.html", {"collaborations": selectors.collaborations()})


def collaboration_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A collaboration's page. With ?med=undersamarbeid it also lists the
    measures of the collaborations inside it (at any depth), each measure
    counted once in the total."""
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    measures = measures_for_list(request.user, collaboration)
    with_children = request.GET.get("med") == "undersamarbeid"
    nested = [(child, list(measures_for_list(request.user, child)))
              for child in selectors.descendants(collaboration)] if with_children else []
    counted = {m.pk for m in measures} | {m.pk for _child, rows in nested for m in rows}
    return render(request, "collaborations/registry/collaboration_detail.html", {
        "collaboration": collaboration,
        "measures": measures,
        "bodies": selectors.bodies(collaboration),
        "members": selectors.memberships(collaboration),
        "children": selectors.children(collaboration),
        "with_children": with_children, "nested": nested, "measure_total": len(counted),
        "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
        "council_cases": council_cases_about(request.user, collaboration=collaboration,
                                             subject="collaboration_agreement"),
    })


@login_required
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    """The secretariat's workspace ("Forvaltning"): every record the
    secretariat keeps, one section per feature, each with its pages and forms."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    return render(request, "collaborations/workspace/workspace.html", {"collaboration": collaboration})


def _posted_date(request: HttpRequest, name: str) -> dt.date:
    """The date typed in `name` (the form's own check reports a bad one), else today."""
    try:
        return parse_date(request.POST.get(name, "")) or timezone.localdate()
    except ValueError:
        return timezone.localdate()


# ---------------------------------------------------------------- members

def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every member, past and present, with joined and left dates; open to all."""
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    rows = [(m, selectors.municipality_ended(collaboration, m.municipality))
            for m in selectors.memberships(collaboration).select_related("municipality__successor")]
    return render(request, "collaborations/registry/member_list.html", {
        "collaboration": collaboration, "rows": rows,
        "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
        "council_cases": council_cases_about(request.user, collaboration=collaboration, subject="admission"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Take in a new member: refused unless every original member in force on the day consents."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    day = _posted_date(request, "joined_on")
    form = MemberAddForm(request.POST or None, candidates=selectors.joinable_municipalities(collaboration, day),
                         originals=selectors.original_members_on(collaboration, day))
    saved = submit(form, lambda: membership_add(
        acting_user=request.user, collaboration=collaboration, municipality=form.cleaned_data["municipality"],
        joined_on=form.cleaned_data["joined_on"], consenting_municipality_ids=form.consenting_ids(),
        reason=form.full_reason()))
    if saved:
        membership = saved.value
        return _to("member_list", collaboration, _("%(m)s er tatt opp som medlem fra %(date)s.") % {
            "m": membership.municipality.name, "date": norwegian_date(membership.joined_on)}, request)
    return render(request, "collaborations/registry/member_add.html", {"collaboration": collaboration,
                                                                       "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def member_exit(request: HttpRequest, slug: str, municipality_id: int) -> HttpResponse:
    """A member leaves on a date (kommuneloven § 20-4). Once recorded, the page
    shows the host agreements it still takes part in, their notice periods and
    the earliest exit date from each."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    membership = selectors.membership_of(collaboration, municipality_id)
    if membership.left_on is not None:
        ended = MembershipEnded(membership=membership, agreements=selectors.agreements_still_in(membership))
        return render(request, "collaborations/registry/member_exit_done.html", {
            "collaboration": collaboration, "membership": membership,
            "notices": list(zip(ended.notices, selectors.exit_notices(membership), strict=True)),
        })
    form = MemberExitForm(request.POST or None, membership=membership)
    if submit(form, lambda: membership_end(acting_user=request.user, membership=membership,
                                           left_on=form.cleaned_data["left_on"], reason=form.cleaned_data["reason"])):
        return saved_and_back(request, _("Uttreden er registrert."), "member_exit", collaboration.slug,
                              membership.municipality_id)
    return render(request, "collaborations/registry/member_exit.html", {
        "collaboration": collaboration, "membership": membership, "form": form,
        "agreements": selectors.agreements_still_in(membership)})


# ---------------------------------------------------------------- networks

def network_list(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    networks = [(n, selectors.network_members(n)) for n in policy.visible(request.user,
                                                                          selectors.networks(collaboration))]
    return render(request, "collaborations/registry/network_list.html", {
        "collaboration": collaboration, "networks": networks,
        "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
    })


def _network_for(request: HttpRequest, collaboration, network_id: int, action: Action = Action.VIEW):
    network = selectors.network_of(collaboration, network_id)
    if not policy.allows(request.user, Action.VIEW, network):
        raise Http404(_("Fant ikke fagnettverket."))
    policy.require(request.user, action, network, _("Du har ikke tilgang til å endre dette nettverket."))
    return network


def network_detail(request: HttpRequest, slug: str, network_id: int) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    network = _network_for(request, collaboration, network_id)
    return render(request, "collaborations/registry/network_detail.html", {
        "collaboration": collaboration, "network": network, "members": selectors.network_members(network),
        "measures": selectors.network_measures(request.user, network),
        "can_edit": policy.allows(request.user, Action.COORDINATE, network),
    })


def _network_form(request: HttpRequest, collaboration, network, data=None, **kwargs) -> NetworkForm:
    return NetworkForm(data, instance=network, municipalities=selectors.network_municipality_choices(
        collaboration, network), people=selectors.people(collaboration), partners=selectors.outside_partners(),
        may_set_coordinator=policy.allows(request.user, Action.MANAGE, collaboration), **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def network_create(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    form = _network_form(request, collaboration, None, request.POST or None)
    form.instance.collaboration = collaboration
    saved = submit(form, lambda: network_save(
        acting_user=request.user, network=form.instance, reason=form.cleaned_data["reason"],
        member_municipality_ids=form.member_ids(), outside_member_ids=form.outside_ids()))
    if saved:
        return saved_and_back(request, _("Nettverket er opprettet."), "network_detail", collaboration.slug, saved.value.pk)
    return render(request, "collaborations/registry/network_form.html", {
        "collaboration": collaboration, "form": form, "network": None})


@login_required
@require_http_methods(["GET", "POST"])
def network_edit(request: HttpRequest, slug: str, network_id: int) -> HttpResponse:
    """The coordinator and the secretariat edit a network. Concurrent edits are
    caught by the fingerprint of what the form showed (Network has no version)."""
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    network = _network_for(request, collaboration, network_id, Action.COORDINATE)
    editable = selectors.fresh_network(network)  # the form changes it
    form = _network_form(request, collaboration, editable, request.POST or None,
                         initial={"fingerprint": selectors.network_fingerprint(network)})
    saved = submit(form, lambda: network_save(
        acting_user=request.user, network=form.instance, reason=form.cleaned_data["reason"],
        member_municipality_ids=form.member_ids(), outside_member_ids=form.outside_ids(),
        expected_fingerprint=form.cleaned_data["fingerprint"] or None))
    if saved:
        return saved_and_back(request, _("Endringene er lagret."), "network_detail", collaboration.slug, network.pk)
    if saved.conflict:
        fresh = selectors.fresh_network(network)
        form = form_after_conflict(request.POST, lambda data: _network_form(request, collaboration, fresh, data),
                                   fingerprint=selectors.network_fingerprint(fresh))
    return render(request, "collaborations/registry/network_form.html", {
        "collaboration": collaboration, "form": form, "network": network, "conflict": saved.conflict})


# ---------------------------------------------------------------- mergers

@login_required
@require_http_methods(["GET", "POST"])
def merger(request: HttpRequest, slug: str) -> HttpResponse:
    """The secretariat (or the installation's administrator) applies a merger
    of current members: memberships, participations, agreements and roles
    move to the successor from the day; the old municipalities' pages then
    say when they ended and link to it."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    form = MergerForm(request.POST or None, members=selectors.mergeable_members(collaboration),
                      municipalities=selectors.existing_municipalities(), counties=selectors.counties())
    saved = submit(form, lambda: merger_apply(
        acting_user=request.user, predecessors=list(form.cleaned_data["predecessors"]),
        successor=form.cleaned_data["successor"], new_successor=form.new_successor(),
        on_date=form.cleaned_data["on_date"], reason=form.cleaned_data["reason"]))
    if saved:
        return _to("member_list", collaboration, _("Sammenslåingen er registrert: %(names)s ble %(m)s fra %(date)s.") % {
            "names": ", ".join(m.name for m in form.cleaned_data["predecessors"]), "m": saved.value.name,
            "date": norwegian_date(form.cleaned_data["on_date"])}, request)
    return render(request, "collaborations/registry/merger.html", {"collaboration": collaboration, "form": form})


# ---------------------------------------------------------------- the collaboration's own records
#
# The secretariat (Action.MANAGE) keeps the collaboration's description, its
# bodies and their members, its people, the outside partners and the members'
# population figures here, through the registry's services (history, reason,
# audit event). Every edit form carries the newest history row of what it
# edits (common.concurrency), so a save over someone else's is refused with
# what they changed, keeping what was typed.

def _record_saved(form, obj, save) -> tuple[bool, ConcurrentEditError | None]:
    saved = submit_unless_changed(form, obj, save)
    return saved.saved, saved.conflict


def _after_conflict(request: HttpRequest, make_form, fresh):
    return record_form_again(request.POST, make_form, fresh)


def _to(name: str, collaboration, message: str, request: HttpRequest) -> HttpResponse:
    """Back to a list with the message, which the page scrolls to."""
    return saved_and_back(request, message, name, collaboration.slug)


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The collaboration's name, short name, description, established date and
    source; where it is nested (`parent`) only for the installation's administrator."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    nesting = policy.allows(request.user, Action.ADMINISTER, collaboration)

    def make(data, instance):
        return CollaborationForm(data, instance=instance, parents=selectors.parent_choices(instance) if nesting
                                 else None, initial={"history_id": latest_history_id(instance)})

    editable = selectors.collaboration_fresh(collaboration)
    form = make(request.POST or None, editable)
    saved, conflict = _record_saved(form, collaboration, lambda: collaboration_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], collaboration=form.instance))
    if saved:
        return saved_and_back(request, _("Endringene i samarbeidet er lagret."), "collaboration_detail", form.instance.slug)
    if conflict:
        form = _after_conflict(request, make, selectors.collaboration_fresh(collaboration))
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("samarbeidet"),
                      title=_("Endre samarbeidet"), submit=_("Lagre endringene"),
                      back_url=reverse("workspace", args=[slug]), back_label=_("Forvaltning"))


# ---------------------------------------------------------------- bodies

def body_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The collaboration's bodies with their members, past and present; open to all."""
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    return render(request, "collaborations/registry/body_list.html", {
        "collaboration": collaboration, "bodies": selectors.bodies_with_members(collaboration),
        "today": timezone.localdate(), "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
    })


def _body_form(collaboration, data, body):
    return BodyForm(data, instance=body, collaboration=collaboration,
                    municipalities=selectors.member_municipality_choices(collaboration, body.municipality_id),
                    initial={"history_id": latest_history_id(body)})


def _body_page(request, collaboration, form, body, conflict=None) -> HttpResponse:
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("organet"),
                      title=_("Endre organet") if body else _("Nytt organ"),
                      submit=_("Lagre endringene") if body else _("Registrer organet"),
                      back_url=reverse("body_list", args=[collaboration.slug]), back_label=_("Organer"))


BODY_PAGES = RecordPages(
    form=_body_form, page=_body_page,
    save=lambda request, collaboration, form: lambda: body_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], body=form.instance))


@login_required
@require_http_methods(["GET", "POST"])
def body_create(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    return BODY_PAGES.create(request, collaboration, selectors.new_body(collaboration), lambda body: _to(
        "body_list", collaboration, _("Organet «%(name)s» er registrert.") % {"name": body.name}, request))


@login_required
@require_http_methods(["GET", "POST"])
def body_edit(request: HttpRequest, slug: str, body_id: int) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    return BODY_PAGES.edit(request, collaboration, selectors.body_of(collaboration, body_id),
                           lambda: selectors.body_of(collaboration, body_id),
                           lambda _body: _to("body_list", collaboration, _("Endringene i organet er lagret."), request))


def _member_form(collaboration, data, member):
    return BodyMemberForm(data, instance=member, body=member.body, people=selectors.collaboration_people(collaboration),
                          initial={"history_id": latest_history_id(member)})


def _member_page(request, collaboration, form, member, conflict) -> HttpResponse:
    body = form.instance.body
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("medlemmet"),
                            title=(_("Endre medlem av %(body)s") if member else _("Nytt medlem av %(body)s"))
                            % {"body": body.name},
                            submit=_("Lagre endringene") if member else _("Legg til medlemmet"),
                            back_url=reverse("body_list", args=[collaboration.slug]) + f"#organ-{body.pk}",
                            back_label=_("Organer"))


MEMBER_PAGES = RecordPages(
    form=_member_form, page=_member_page,
    save=lambda request, collaboration, form: lambda: body_member_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], member=form.instance))


@login_required
@require_http_methods(["GET", "POST"])
def body_member_add(request: HttpRequest, slug: str, body_id: int) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    body = selectors.body_of(collaboration, body_id)
    return MEMBER_PAGES.create(request, collaboration, selectors.new_body_member(body), lambda member: _to(
        "body_list", collaboration, _("%(person)s er lagt til i %(body)s.") % {
            "person": member.person.name, "body": body.name}, request))


@login_required
@require_http_methods(["GET", "POST"])
def body_member_edit(request: HttpRequest, slug: str, body_id: int, member_id: int) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    body = selectors.body_of(collaboration, body_id)
    return MEMBER_PAGES.edit(request, collaboration, selectors.body_member_of(body, member_id),
                             lambda: selectors.body_member_of(body, member_id),
                             lambda _member: _to("body_list", collaboration, _("Endringene er lagret."), request))


@login_required
@require_http_methods(["GET", "POST"])
def body_member_end(request: HttpRequest, slug: str, body_id: int, member_id: int) -> HttpResponse:
    """A member leaves the body on a day (ends_on): the row is kept, never deleted."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    body = selectors.body_of(collaboration, body_id)
    member = selectors.body_member_of(body, member_id)

    def make(data, fresh):
        return BodyMemberEndForm(data, member=fresh, initial={"history_id": latest_history_id(fresh)})

    form = make(request.POST or None, member)

    def end():
        member.ends_on = form.cleaned_data["ends_on"]
        return body_member_save(acting_user=request.user, reason=form.cleaned_data["reason"], member=member)

    saved, conflict = _record_saved(form, member, end)
    if saved:
        return _to("body_list", collaboration, _("%(person)s er ute av %(body)s fra %(date)s.") % {
            "person": member.person.name, "body": body.name, "date": norwegian_date(member.ends_on)}, request)
    if conflict:
        form = _after_conflict(request, make, selectors.body_member_of(body, member_id))
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("medlemmet"),
                      title=_("%(person)s går ut av %(body)s") % {"person": member.person.name, "body": body.name},
                      lead=_("Medlemmet slettes ikke: det står i listen med siste dag, og historikken beholdes."),
                      submit=_("Registrer at medlemmet går ut"),
                      back_url=reverse("body_list", args=[slug]) + f"#organ-{body.pk}", back_label=_("Organer"))


# ---------------------------------------------------------------- people

@login_required
def person_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The collaboration's people with their e-mail addresses (personal data: the secretariat only)."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    return render(request, "collaborations/registry/person_list.html", {
        "collaboration": collaboration, "people": selectors.collaboration_people(collaboration)})


def _person_form(collaboration, data, person):
    return PersonForm(data, instance=person, initial={"history_id": latest_history_id(person)},
                      municipalities=selectors.member_municipality_choices(collaboration, person.municipality_id))


def _person_page(request, collaboration, form, person, conflict=None) -> HttpResponse:
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("personen"),
                      title=_("Endre personen") if person else _("Ny person"),
                      lead=None if person else _("For eksempel en kommunedirektør som skal være saksansvarlig for en "
                                                 "strategi. Personen får ingen pålogging; den gis ved å invitere "
                                                 "personen under «Roller»."),
                      submit=_("Lagre endringene") if person else _("Registrer personen"),
                      back_url=reverse("person_list", args=[collaboration.slug]), back_label=_("Personer"))


PERSON_PAGES = RecordPages(
    form=_person_form, page=_person_page,
    save=lambda request, collaboration, form: lambda: person_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], person=form.instance, made_in=collaboration))


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    return PERSON_PAGES.create(request, collaboration, selectors.new_person(), lambda person: _to(
        "person_list", collaboration, _("%(name)s er registrert.") % {"name": person.name}, request))


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, slug: str, person_id: int) -> HttpResponse:
    """Only a person of this collaboration (selectors.collaboration_people); anyone else is 404."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    person = selectors.person_of(collaboration, person_id)
    return PERSON_PAGES.edit(request, collaboration, person, lambda: selectors.fresh_person(person),
                             lambda _person: _to("person_list", collaboration, _("Endringene er lagret."), request))


# ---------------------------------------------------------------- outside partners

def partner_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The outside partners taking part in the collaboration's measures and
    networks (those the visitor may see); for the secretariat also the
    partners not in use anywhere yet."""
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    can_manage = policy.allows(request.user, Action.MANAGE, collaboration)
    return render(request, "collaborations/registry/partner_list.html", {
        "collaboration": collaboration, "partners": selectors.collaboration_partners(request.user, collaboration),
        "unused": selectors.unused_partners() if can_manage else [], "can_manage": can_manage,
    })


def _partner_form(collaboration, data, partner):
    return OutsidePartnerForm(data, instance=partner, municipalities=selectors.all_municipalities(),
                              initial={"history_id": latest_history_id(partner)})


def _partner_page(request, collaboration, form, partner, conflict=None) -> HttpResponse:
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("partneren"),
                      title=_("Endre partneren") if partner else _("Ny ekstern partner"),
                      lead=None if partner else _("En partner som ikke er medlemskommune: UNN HF, Statsforvalteren, "
                                                  "en skole eller en kommune utenfor samarbeidet. Partnerne er felles "
                                                  "for alle samarbeid i portalen."),
                      submit=_("Lagre endringene") if partner else _("Registrer partneren"),
                      back_url=reverse("partner_list", args=[collaboration.slug]), back_label=_("Eksterne partnere"))


PARTNER_PAGES = RecordPages(
    form=_partner_form, page=_partner_page,
    save=lambda request, collaboration, form: lambda: outside_partner_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], partner=form.instance, made_in=collaboration))


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    return PARTNER_PAGES.create(request, collaboration, selectors.new_partner(), lambda partner: _to(
        "partner_list", collaboration, _("«%(name)s» er registrert.") % {"name": partner.name}, request))


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, slug: str, partner_id: int) -> HttpResponse:
    """A partner used in this collaboration, or in use nowhere yet; the
    installation's administrator edits any. Anyone else's partner is 404."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    partner = selectors.partner_for_manager(collaboration, partner_id, installation_wide=policy.allows(
        request.user, Action.ADMINISTER, collaboration))
    return PARTNER_PAGES.edit(request, collaboration, partner, lambda: selectors.fresh_partner(partner),
                              lambda _partner: _to("partner_list", collaboration, _("Endringene er lagret."), request))


# ---------------------------------------------------------------- population figures

def population_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Each member municipality's population at 1 January, by year, with its source; open to all."""
    collaboration = policy.get_collaboration_for_user(request.user, slug)
    return render(request, "collaborations/registry/population_list.html", {
        "collaboration": collaboration, "rows": selectors.population_figures(collaboration),
        "can_manage": policy.allows(request.user, Action.MANAGE, collaboration),
    })


def _figure_page(request, collaboration, form, figure, conflict=None) -> HttpResponse:
    title = (_("Rett innbyggertallet for %(m)s %(year)s") % {"m": figure.municipality.name, "year": figure.year}
             if figure else _("Nytt innbyggertall"))
    return record_form_page(request, collaboration, form, conflict=conflict, thing=_("innbyggertallet"), title=title,
                      lead=_("Innbyggertall per 1. januar. Kostnadsnøklene fordeler etter dem, så oppgi kilden."),
                      submit=_("Lagre endringene") if figure else _("Registrer tallet"),
                      back_url=reverse("population_list", args=[collaboration.slug]), back_label=_("Innbyggertall"))


@login_required
@require_http_methods(["GET", "POST"])
def population_create(request: HttpRequest, slug: str) -> HttpResponse:
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    figure = selectors.new_figure()
    form = PopulationFigureForm(request.POST or None, instance=figure,
                                municipalities=selectors.member_municipality_choices(collaboration),
                                initial={"year": timezone.localdate().year, "source": _("SSB tabell 07459")})
    saved, _conflict = _record_saved(form, figure, lambda: population_figure_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], figure=form.instance, made_in=collaboration))
    if saved:
        return _to("population_list", collaboration, _("Innbyggertallet for %(m)s %(year)s er registrert.") % {
            "m": form.instance.municipality.name, "year": form.instance.year}, request)
    return _figure_page(request, collaboration, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def population_edit(request: HttpRequest, slug: str, figure_id: int) -> HttpResponse:
    """Correct a member's figure (a figure of any other municipality is 404)."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    figure = selectors.figure_of(collaboration, figure_id)

    def make(data, instance):
        return PopulationFigureForm(data, instance=instance, initial={"history_id": latest_history_id(instance)})

    form = make(request.POST or None, figure)
    saved, conflict = _record_saved(form, figure, lambda: population_figure_save(
        acting_user=request.user, reason=form.cleaned_data["reason"], figure=form.instance, made_in=collaboration))
    if saved:
        return _to("population_list", collaboration, _("Endringene er lagret."), request)
    if conflict:
        form = _after_conflict(request, make, selectors.fresh_figure(figure))
    return _figure_page(request, collaboration, form, figure, conflict)
