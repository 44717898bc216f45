"""Who acts: a user speaking for one organisation in one role (the active membership)."""

from dataclasses import dataclass

from keten.accounts.models import Membership, Organisation, User


@dataclass(frozen=True)
class Actor:
    """What every service and selector receives instead of a bare user: policy decides on role and scope."""

    user: User
    membership: Membership

    @classmethod
    def of(cls, membership: Membership) -> "Actor":
        """The actor a membership speaks as (a request's active membership, or an API token's)."""
        return cls(user=membership.user, membership=membership)

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def is_national(self) -> bool:
        return self.membership.is_national
