"""The start page, a collaboration's page, the health check, and the
registry's pages: members (joining with consent, leaving), networks,
mergers."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..access import policy
from ..access.policy import Action
from ..common.dates import norwegian_date
from ..common.errors import ConcurrentEditError
from ..portfolio.selectors import measures_for_list
from . import selectors
from .forms import MemberAddForm, MemberExitForm, MergerForm, NetworkForm
from .services import MembershipEnded, membership_add, membership_end, merger_apply, network_save


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
    })


@login_required
def workspace(request: HttpRequest, slug: str) -> HttpResponse:
    """The secretariat's workspace ("Forvaltning"): every record the
    secretariat keeps, one section per feature, each with its pages and forms."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    return render(request, "collaborations/workspace/workspace.html", {"collaboration": collaboration})


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: on its field when the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


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
    })


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Take in a new member: refused unless every original member in force on the day consents."""
    collaboration = policy.get_collaboration_for_user(request.user, slug, Action.MANAGE)
    day = _posted_date(request, "joined_on")
    form = MemberAddForm(request.POST or None, candidates=selectors.joinable_municipalities(collaboration, day),
                         originals=selectors.original_members_on(collaboration, day))
    if form.is_bound and form.is_valid():
        try:
            membership = membership_add(
                acting_user=request.user, collaboration=collaboration, municipality=form.cleaned_data["municipality"],
                joined_on=form.cleaned_data["joined_on"], consenting_municipality_ids=form.consenting_ids(),
                reason=form.full_reason())
            messages.success(request, _("%(m)s er tatt opp som medlem fra %(date)s.") % {
                "m": membership.municipality.name, "date": norwegian_date(membership.joined_on)})
            return redirect(reverse("member_list", args=[collaboration.slug]) + "#melding")
        except ValidationError as error:
            _add_errors(form, error)
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
    if form.is_bound and form.is_valid():
        try:
            membership_end(acting_user=request.user, membership=membership, left_on=form.cleaned_data["left_on"],
                           reason=form.cleaned_data["reason"])
            messages.success(request, _("Uttreden er registrert."))
            return redirect(reverse("member_exit", args=[collaboration.slug, membership.municipality_id]) + "#melding")
        except ValidationError as error:
            _add_errors(form, error)
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
    if form.is_bound and form.is_valid():
        try:
            network = network_save(acting_user=request.user, network=form.instance, reason=form.cleaned_data["reason"],
                                   member_municipality_ids=form.member_ids(), outside_member_ids=form.outside_ids())
            messages.success(request, _("Nettverket er opprettet."))
            return redirect(reverse("network_detail", args=[collaboration.slug, network.pk]) + "#melding")
        except ValidationError as error:
            _add_errors(form, error)
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
    conflict = None
    if form.is_bound and form.is_valid():
        try:
            network_save(acting_user=request.user, network=form.instance, reason=form.cleaned_data["reason"],
                         member_municipality_ids=form.member_ids(), outside_member_ids=form.outside_ids(),
                         expected_fingerprint=form.cleaned_data["fingerprint"] or None)
            messages.success(request, _("Endringene er lagret."))
            return redirect(reverse("network_detail", args=[collaboration.slug, network.pk]) + "#melding")
        except ConcurrentEditError as error:
            fresh = selectors.fresh_network(network)
            data = request.POST.copy()
            data["fingerprint"] = selectors.network_fingerprint(fresh)
            conflict, form = error, _network_form(request, collaboration, fresh, data)
            form.is_valid()
        except ValidationError as error:
            _add_errors(form, error)
    return render(request, "collaborations/registry/network_form.html", {
        "collaboration": collaboration, "form": form, "network": network, "conflict": conflict})


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
    if form.is_bound and form.is_valid():
        try:
            successor = merger_apply(
                acting_user=request.user, predecessors=list(form.cleaned_data["predecessors"]),
                successor=form.cleaned_data["successor"], new_successor=form.new_successor(),
                on_date=form.cleaned_data["on_date"], reason=form.cleaned_data["reason"])
            messages.success(request, _("Sammenslåingen er registrert: %(names)s ble %(m)s fra %(date)s.") % {
                "names": ", ".join(m.name for m in form.cleaned_data["predecessors"]), "m": successor.name,
                "date": norwegian_date(form.cleaned_data["on_date"])})
            return redirect(reverse("member_list", args=[collaboration.slug]) + "#melding")
        except ValidationError as error:
            _add_errors(form, error)
    return render(request, "collaborations/registry/merger.html", {"collaboration": collaboration, "form": form})
