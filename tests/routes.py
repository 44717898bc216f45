"""The route inventory: every URL of Keten and who may use it. A route missing here fails the build
(tests/test_routes.py), so a new page cannot ship without a decision on who may see it."""

from dataclasses import dataclass, field

from keten.accounts.roles import Role

R = Role


@dataclass(frozen=True)
class Access:
    """Who may use a route: `public` (no login), `login` (any logged-in account: allauth's own pages),
    `any_role` (logged in with a membership), `roles` (these roles only; with `national`, only with national
    scope), or `nobody` (closed on purpose: answers 404)."""

    kind: str
    roles: frozenset = field(default_factory=frozenset)
    national: bool = False


NO_ID = "00000000-0000-0000-0000-000000000000"
PUBLIC = Access("public")
LOGIN = Access("login")
ANY_ROLE = Access("any_role", frozenset(Role))
NOBODY = Access("nobody")


def roles(*allowed: Role, national: bool = False) -> Access:
    return Access("roles", frozenset(allowed), national)


SIGNAL_READERS = roles(R.CARE_COORDINATOR, R.TABLE_CHAIR, R.TABLE_MEMBER, R.POLICE_INVESTIGATOR, R.CARE_WORKER,
                       R.VEILIG_THUIS_WORKER, R.REGISTRATION_OFFICER, R.PRIVACY_OFFICER)

#: Who may refer a presumed victim to a care coordinator: the professionals who register signals.
REFERRERS = (R.CARE_COORDINATOR, R.TABLE_CHAIR, R.TABLE_MEMBER, R.POLICE_INVESTIGATOR, R.CARE_WORKER,
             R.VEILIG_THUIS_WORKER, R.REGISTRATION_OFFICER)

#: Who works for the Signaaltafel's purpose (keten.signaltable.selectors.TABLE_ROLES).
TABLE_ROLES = (R.CARE_COORDINATOR, R.TABLE_CHAIR, R.TABLE_MEMBER, R.POLICE_INVESTIGATOR, R.VEILIG_THUIS_WORKER)

#: route name -> (who may use it, URL kwargs for checking it, HTTP method the check uses)
ROUTES = {
    # The login flow (django-allauth) is open by nature; what it shows is its own concern.
    "account_login": (PUBLIC, {}, "GET"),
    "account_logout": (PUBLIC, {}, "GET"),
    "account_inactive": (PUBLIC, {}, "GET"),
    "account_reset_password": (PUBLIC, {}, "GET"),
    "account_reset_password_done": (PUBLIC, {}, "GET"),
    "account_reset_password_from_key": (PUBLIC, {"uidb36": "0", "key": "x"}, "GET"),
    "account_reset_password_from_key_done": (PUBLIC, {}, "GET"),
    "account_confirm_login_code": (PUBLIC, {}, "GET"),
    "account_confirm_email": (PUBLIC, {"key": "x"}, "GET"),
    "account_email_verification_sent": (PUBLIC, {}, "GET"),
    "account_change_password": (LOGIN, {}, "GET"),
    "account_set_password": (LOGIN, {}, "GET"),
    "account_reauthenticate": (LOGIN, {}, "GET"),
    "account_confirm_reauthentication_code": (LOGIN, {}, "GET"),
    "account_request_reauthentication_code": (LOGIN, {}, "GET"),
    "mfa_authenticate": (PUBLIC, {}, "GET"),
    "mfa_reauthenticate": (LOGIN, {}, "GET"),
    "mfa_index": (LOGIN, {}, "GET"),
    "mfa_activate_totp": (LOGIN, {}, "GET"),
    "mfa_deactivate_totp": (LOGIN, {}, "GET"),
    "mfa_generate_recovery_codes": (LOGIN, {}, "GET"),
    "mfa_view_recovery_codes": (LOGIN, {}, "GET"),
    "mfa_download_recovery_codes": (LOGIN, {}, "GET"),
    # Closed on purpose: accounts and their e-mail addresses come from a functional administrator.
    # web's closed routes shadow allauth's, which stay in the resolver but cannot be reached.
    "account_signup": (NOBODY, {}, "GET"),
    "account_email": (NOBODY, {}, "GET"),
    "closed-signup": (NOBODY, {}, "GET"),
    "closed-email": (NOBODY, {}, "GET"),
    "set_language": (PUBLIC, {}, "POST"),
    "web:home": (PUBLIC, {}, "GET"),
    # For Prometheus with the bearer token of KETEN_METRICS_TOKEN only; without one set (as here) it answers 404 to
    # everyone, logged in or not. The token path is tested in tests/web/test_metrics.py.
    "web:metrics": (NOBODY, {}, "GET"),
    "policy:guide": (PUBLIC, {}, "GET"),
    # The public HSDS 3.0 API of the social map: read-only, open to all; never a confidential location.
    "hsds:index": (PUBLIC, {}, "GET"),
    "hsds:services": (PUBLIC, {}, "GET"),
    "hsds:service": (PUBLIC, {"id": NO_ID}, "GET"),
    "hsds:organizations": (PUBLIC, {}, "GET"),
    "hsds:organization": (PUBLIC, {"id": NO_ID}, "GET"),
    "hsds:taxonomies": (PUBLIC, {}, "GET"),
    "hsds:taxonomy": (PUBLIC, {"id": NO_ID}, "GET"),
    "hsds:taxonomy-terms": (PUBLIC, {}, "GET"),
    "hsds:taxonomy-term": (PUBLIC, {"id": NO_ID}, "GET"),
    "hsds:service-at-locations": (PUBLIC, {}, "GET"),
    "hsds:service-at-location": (PUBLIC, {"id": NO_ID}, "GET"),
    "hsds:datapackage": (PUBLIC, {}, "GET"),
    "policy:guide-step": (PUBLIC, {}, "GET"),
    # The Aanmeldwijzer for front-desk staff: public, stores nothing (tests/intake/test_guide.py).
    "intake:guide": (PUBLIC, {}, "GET"),
    "intake:guide-advice": (PUBLIC, {}, "GET"),
    "intake:guide-text": (PUBLIC, {"lang": "pl"}, "GET"),
    # The guide's minimal signal: public, rate-limited, the same answer whatever exists (test_guide_signal.py).
    "intake:guide-signal": (PUBLIC, {}, "POST"),
    "web:health": (PUBLIC, {}, "GET"),
    "accounts:membership-switch": (ANY_ROLE, {}, "POST"),
    "accounts:user-list": (roles(R.FUNCTIONAL_ADMIN), {}, "GET"),
    "accounts:user-invite": (roles(R.FUNCTIONAL_ADMIN), {}, "GET"),
    "accounts:user-detail": (roles(R.FUNCTIONAL_ADMIN), {"user_id": "self"}, "GET"),
    "accounts:user-deactivate": (roles(R.FUNCTIONAL_ADMIN), {"user_id": NO_ID},
                                 "POST"),
    "accounts:membership-end": (roles(R.FUNCTIONAL_ADMIN),
                                {"membership_id": NO_ID}, "POST"),
    "accounts:token-list": (roles(R.FUNCTIONAL_ADMIN), {}, "GET"),
    "accounts:token-revoke": (roles(R.FUNCTIONAL_ADMIN), {"token_id": NO_ID},
                              "POST"),
    "api-schema": (ANY_ROLE, {}, "GET"),
    "api-docs": (ANY_ROLE, {}, "GET"),
    "api-me": (ANY_ROLE, {}, "GET"),
    # Notifications: every role has its own list; marking read touches only one's own (404 otherwise;
    # tests/notifications/test_pages.py).
    "notifications:list": (ANY_ROLE, {}, "GET"),
    "notifications:mark-read": (ANY_ROLE, {"notification_id": NO_ID}, "POST"),
    "notifications:mark-all-read": (ANY_ROLE, {}, "POST"),
    # Persons: every role may ask; policy decides what the answer holds (tests/policy/test_matrix.py).
    "api-subject-list": (ANY_ROLE, {}, "GET"),
    "api-subject-identity": (ANY_ROLE, {"subject_id": NO_ID}, "GET"),
    # Signals: the roles policy lets see any; each signal through policy, 404 when out of reach; registering
    # (POST to the list) only the reporting roles (tests/intake/test_api.py).
    "api-signal-list": (SIGNAL_READERS, {}, "GET"),
    "api-signal-detail": (SIGNAL_READERS, {"signal_id": NO_ID}, "GET"),
    "api-signal-transitions": (SIGNAL_READERS, {"signal_id": NO_ID}, "POST"),
    "identity:subject-list": (ANY_ROLE, {}, "GET"),
    "identity:subject-create": (roles(R.CARE_COORDINATOR, R.POLICE_INVESTIGATOR, R.CARE_WORKER,
                                      R.VEILIG_THUIS_WORKER, R.REGISTRATION_OFFICER), {}, "GET"),
    "identity:subject-detail": (ANY_ROLE, {"subject_id": NO_ID}, "GET"),
    "identity:consent-withdraw": (ANY_ROLE, {"subject_id": NO_ID, "consent_id": NO_ID}, "GET"),
    "identity:share-end": (ANY_ROLE, {"subject_id": NO_ID, "share_id": NO_ID}, "POST"),
    "identity:disclosure": (roles(R.PRIVACY_OFFICER), {"subject_id": NO_ID}, "GET"),
    # The social map: public, for front-desk staff without an account too.
    "socialmap:search": (PUBLIC, {}, "GET"),
    "socialmap:coverage": (PUBLIC, {}, "GET"),
    # The ondergrens monitor: public steering information without personal data; its norms are kept nationally.
    "socialmap:ondergrens": (PUBLIC, {}, "GET"),
    "socialmap:ondergrens-map": (PUBLIC, {}, "GET"),
    "socialmap:ondergrens-export": (PUBLIC, {}, "GET"),
    "socialmap:ondergrens-criteria": (roles(R.FUNCTIONAL_ADMIN, national=True), {}, "GET"),
    "socialmap:ondergrens-criterion-create": (roles(R.FUNCTIONAL_ADMIN, national=True), {}, "GET"),
    "socialmap:ondergrens-criterion-edit": (roles(R.FUNCTIONAL_ADMIN, national=True), {"criterion_id": NO_ID},
                                            "GET"),
    # The map and its two documents: public, and never a confidential location (tests/socialmap/test_map.py).
    "socialmap:map": (PUBLIC, {}, "GET"),
    "socialmap:map-coverage": (PUBLIC, {}, "GET"),
    "socialmap:map-services": (PUBLIC, {}, "GET"),
    # A confidential shelter address: any professional may ask; policy answers per location, audited.
    "socialmap:confidential-address": (ANY_ROLE, {"location_id": NO_ID}, "GET"),
    "socialmap_admin:service-list": (roles(R.FUNCTIONAL_ADMIN), {}, "GET"),
    "socialmap_admin:service-edit": (roles(R.FUNCTIONAL_ADMIN), {"service_id": NO_ID}, "GET"),
    "socialmap_admin:service-verify": (roles(R.FUNCTIONAL_ADMIN), {"service_id": NO_ID}, "POST"),
    # Import: an organisation's functional administrator for its own entries, a national one for all;
    # a job is seen only by its organisation's administrators and national ones (404 otherwise).
    "socialmap_admin:import": (roles(R.FUNCTIONAL_ADMIN), {}, "GET"),
    "socialmap_admin:import-template": (roles(R.FUNCTIONAL_ADMIN), {}, "GET"),
    "socialmap_admin:import-job": (roles(R.FUNCTIONAL_ADMIN), {"job_id": NO_ID}, "GET"),
    "socialmap_admin:import-good-rows": (roles(R.FUNCTIONAL_ADMIN), {"job_id": NO_ID}, "POST"),
    # Signals: the roles policy lets see any (operational data); each signal through policy, 404 when out of
    # reach (tests/intake/test_intake_pages.py). Registering: the roles that report.
    "intake:signal-list": (SIGNAL_READERS, {}, "GET"),
    "intake:signal-overdue": (SIGNAL_READERS, {}, "GET"),
    "intake:entity-hint": (roles(*REFERRERS), {}, "GET"),
    "intake:signal-detail": (SIGNAL_READERS, {"signal_id": NO_ID}, "GET"),
    "intake:signal-transition": (SIGNAL_READERS, {"signal_id": NO_ID}, "POST"),
    "intake:attachment-add": (SIGNAL_READERS, {"signal_id": NO_ID}, "POST"),
    "intake:attachment-download": (SIGNAL_READERS, {"signal_id": NO_ID, "attachment_id": NO_ID}, "GET"),
    "intake:signal-create": (roles(R.CARE_COORDINATOR, R.TABLE_CHAIR, R.TABLE_MEMBER, R.POLICE_INVESTIGATOR,
                                   R.CARE_WORKER, R.VEILIG_THUIS_WORKER, R.REGISTRATION_OFFICER), {}, "GET"),
    # Routing rules and their dry run: the national functional administrator (tests/intake/test_routing.py).
    "referrals:list": (roles(*REFERRERS), {}, "GET"),
    "referrals:create": (roles(*REFERRERS), {}, "GET"),
    "referrals:detail": (roles(*REFERRERS), {"referral_id": NO_ID}, "GET"),
    "referrals:registration-list": (roles(R.REGISTRATION_OFFICER), {}, "GET"),
    "referrals:registration-create": (roles(R.REGISTRATION_OFFICER), {}, "GET"),
    "referrals:registration-export": (roles(R.REGISTRATION_OFFICER), {"file_format": "csv"}, "GET"),
    "referrals:registration-aggregate": (roles(R.REGISTRATION_OFFICER), {}, "GET"),
    "referrals:step": (roles(R.CARE_COORDINATOR, R.REGISTRATION_OFFICER), {"referral_id": NO_ID}, "POST"),
    "referrals:send": (roles(*REFERRERS), {"referral_id": NO_ID}, "POST"),
    "trajectories:list": (roles(R.CARE_COORDINATOR, R.CARE_WORKER, R.POLICE_INVESTIGATOR), {}, "GET"),
    "trajectories:start": (roles(R.CARE_COORDINATOR, R.CARE_WORKER), {"referral_id": NO_ID}, "POST"),
    "trajectories:detail": (roles(R.CARE_COORDINATOR, R.CARE_WORKER, R.POLICE_INVESTIGATOR),
                            {"trajectory_id": NO_ID}, "GET"),
    "trajectories:step": (roles(R.CARE_COORDINATOR, R.CARE_WORKER, R.POLICE_INVESTIGATOR),
                          {"trajectory_id": NO_ID}, "POST"),
    # The Signaaltafel (tests/signaltable/): who works for the table's purpose. Each part keeps its own block.
    # signaltable: dossier pages
    "signaltable:dossier-list": (roles(*TABLE_ROLES), {}, "GET"),
    "signaltable:dossier": (roles(*TABLE_ROLES), {"dossier_id": NO_ID}, "GET"),
    "signaltable:dossier-network": (roles(*TABLE_ROLES), {"dossier_id": NO_ID}, "GET"),
    "signaltable:dossier-reveal": (roles(*TABLE_ROLES), {"dossier_id": NO_ID}, "GET"),
    "signaltable:link-verdict": (roles(*TABLE_ROLES), {"dossier_id": NO_ID}, "POST"),
    # signaltable: dossier changes
    "signaltable:dossier-create": (roles(*TABLE_ROLES), {}, "POST"),
    "signaltable:dossier-add-signal": (roles(*TABLE_ROLES), {"dossier_id": NO_ID}, "POST"),
    "signaltable:dossier-remove-signal": (roles(*TABLE_ROLES), {"dossier_id": NO_ID}, "POST"),
    "signaltable:dossier-merge": (roles(*TABLE_ROLES), {"dossier_id": NO_ID}, "POST"),
    "signaltable:dossier-split": (roles(*TABLE_ROLES), {"dossier_id": NO_ID}, "GET"),
    # signaltable: meetings
    "signaltable:meeting-list": (roles(*TABLE_ROLES), {}, "GET"),
    "signaltable:meeting-create": (roles(R.TABLE_CHAIR), {}, "GET"),
    "signaltable:meeting": (roles(*TABLE_ROLES), {"meeting_id": NO_ID}, "GET"),
    "signaltable:meeting-participants": (roles(R.TABLE_CHAIR), {"meeting_id": NO_ID}, "GET"),
    "signaltable:meeting-agenda": (roles(R.TABLE_CHAIR), {"meeting_id": NO_ID}, "POST"),
    "signaltable:agenda-item": (roles(*TABLE_ROLES), {"meeting_id": NO_ID, "item_id": NO_ID}, "GET"),
    "signaltable:action-update": (roles(*TABLE_ROLES), {"action_id": NO_ID}, "GET"),
    "signaltable:dossier-request": (roles(*TABLE_ROLES), {"dossier_id": NO_ID}, "POST"),
    # signaltable: minutes
    "signaltable:minutes": (roles(*TABLE_ROLES), {"meeting_id": NO_ID}, "GET"),
    "signaltable:minutes-pdf": (roles(*TABLE_ROLES), {"meeting_id": NO_ID}, "GET"),
    "signaltable:minutes-send": (roles(R.TABLE_CHAIR), {"meeting_id": NO_ID}, "POST"),
    # signaltable: hit/no-hit
    "signaltable:hit-question": (roles(*TABLE_ROLES), {}, "GET"),
    "intake:registration-task-list": (roles(R.REGISTRATION_OFFICER), {}, "GET"),
    "intake:registration-task-complete": (roles(R.REGISTRATION_OFFICER), {"task_id": NO_ID}, "POST"),
    "intake:routing-rule-list": (roles(R.FUNCTIONAL_ADMIN, national=True), {}, "GET"),
    "intake:routing-rule-create": (roles(R.FUNCTIONAL_ADMIN, national=True), {}, "GET"),
    "intake:routing-rule-edit": (roles(R.FUNCTIONAL_ADMIN, national=True), {"rule_id": NO_ID}, "GET"),
    "intake:routing-trial": (roles(R.FUNCTIONAL_ADMIN, national=True), {}, "GET"),
    "regions:layer-list": (roles(R.FUNCTIONAL_ADMIN, national=True), {}, "GET"),
    "regions:layer-detail": (roles(R.FUNCTIONAL_ADMIN, national=True), {"kind": "province"}, "GET"),
    "regions:region-create": (roles(R.FUNCTIONAL_ADMIN, national=True), {"kind": "care_coordination"}, "GET"),
    "regions:region-edit": (roles(R.FUNCTIONAL_ADMIN, national=True), {"kind": "care_coordination", "code": "ZC01"},
                            "GET"),
    # The kennisbank: public, for front-desk staff without an account too; kept by the national functional
    # administrator (tests/knowledge/).
    "knowledge:index": (PUBLIC, {}, "GET"),
    "knowledge:search": (PUBLIC, {}, "GET"),
    "knowledge:term-list": (PUBLIC, {}, "GET"),
    "knowledge:term": (PUBLIC, {"slug": "mensenhandel"}, "GET"),
    "knowledge:profile-list": (PUBLIC, {}, "GET"),
    "knowledge:profile": (PUBLIC, {"code": "comensha"}, "GET"),
    "knowledge:care-coordinator": (PUBLIC, {}, "GET"),
    "knowledge:region-list": (PUBLIC, {}, "GET"),
    "knowledge:region": (PUBLIC, {"code": "ZC05"}, "GET"),
    "knowledge:municipality": (PUBLIC, {"code": "GM0363"}, "GET"),
    "knowledge:review-list": (roles(R.FUNCTIONAL_ADMIN, national=True), {}, "GET"),
    "knowledge:definition-edit": (roles(R.FUNCTIONAL_ADMIN, national=True), {"slug": "mensenhandel"}, "GET"),
    "knowledge:profile-edit": (roles(R.FUNCTIONAL_ADMIN, national=True), {"code": "comensha"}, "GET"),
    "knowledge:role-edit": (roles(R.FUNCTIONAL_ADMIN, national=True), {}, "GET"),
    "knowledge:region-note-edit": (roles(R.FUNCTIONAL_ADMIN, national=True),
                                   {"layer": "veilig_thuis", "code": "VT20"}, "GET"),
    "knowledge:history": (roles(R.FUNCTIONAL_ADMIN, national=True), {"record_id": NO_ID}, "GET"),
    # The monitor: figures only, through disclosure control; a national analyst sees the country, a municipality
    # officer their own region (tests/monitor/test_pages.py).
    "monitor:dashboard": (roles(R.NATIONAL_ANALYST, R.MUNICIPALITY_OFFICER), {}, "GET"),
    "monitor:export-csv": (roles(R.NATIONAL_ANALYST, R.MUNICIPALITY_OFFICER), {"table": "per-maand"}, "GET"),
    "monitor:export-xlsx": (roles(R.NATIONAL_ANALYST, R.MUNICIPALITY_OFFICER), {"table": "per-vorm"}, "GET"),
    # Background exports: the quarterly report (the dashboard's two roles), the yearly dataset (the national analyst
    # and CoMensha's registration officer); a job and its file only for its requester (404 for anyone else).
    "monitor:report": (roles(R.NATIONAL_ANALYST, R.MUNICIPALITY_OFFICER), {}, "GET"),
    "monitor:dataset": (roles(R.NATIONAL_ANALYST, R.REGISTRATION_OFFICER), {}, "GET"),
    "monitor:export-job": (roles(R.NATIONAL_ANALYST, R.MUNICIPALITY_OFFICER, R.REGISTRATION_OFFICER),
                           {"job_id": NO_ID}, "GET"),
    "monitor:export-download": (roles(R.NATIONAL_ANALYST, R.MUNICIPALITY_OFFICER, R.REGISTRATION_OFFICER),
                                {"job_id": NO_ID}, "GET"),
}
