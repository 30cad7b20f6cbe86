"""The shop's models package: the one place the application imports its models from.

Importing it registers the static models in ``catalog`` (this package's
registry); ``__all__`` is what the application may use. In strict mode (the
default), ``from shop_models.user import User`` outside this package warns and
says to write ``from shop_models import User``.
"""

from __future__ import annotations

from xcatalog.import_control import ModelPackage
from xcatalog.registry.xregistry import XRegistry

from .common import Address, Money, PhoneNumber
from .order import CardPayment, InvoicePayment, Order, OrderItem, OrderStatus
from .product import Inventory, Product, ProductCategory
from .user import User, UserProfile, UserRole, UserSettings

catalog = XRegistry()
"""The registry this package registers into (a project might pass its own)."""

package = ModelPackage(__name__, catalog)

_EVERYONE_READS = {"*": ["read", "list"]}
_ADMIN_ALL = {"admin": ["create", "read", "update", "delete", "list"]}

# Users are personal data: admins do everything, users read, nobody else sees them.
package.register_static_models(
    {"User": User, "UserProfile": UserProfile, "UserSettings": UserSettings},
    permissions={**_ADMIN_ALL, "user": ["read", "list"]},
    tags={"pii"},
)
package.register_static_models(
    {"Product": Product, "Inventory": Inventory, "Order": Order, "OrderItem": OrderItem},
    permissions={**_ADMIN_ALL, **_EVERYONE_READS},
)
package.register_static_models(
    {"Address": Address, "Money": Money, "PhoneNumber": PhoneNumber, "CardPayment": CardPayment},
    permissions={**_ADMIN_ALL, **_EVERYONE_READS},
    tags={"common"},
)

get_model = package.get_model
list_models = package.list_models
register_dynamic_model = package.register_dynamic_model
check_model_access = package.check_model_access

__all__ = [
    "Address",
    "CardPayment",
    "Inventory",
    "InvoicePayment",
    "Money",
    "Order",
    "OrderItem",
    "OrderStatus",
    "PhoneNumber",
    "Product",
    "ProductCategory",
    "User",
    "UserProfile",
    "UserRole",
    "UserSettings",
    "catalog",
    "check_model_access",
    "get_model",
    "list_models",
    "register_dynamic_model",
]
# seal() checks every export exists and, in strict mode, guards the submodules.
package.seal(__all__)
