"""Model instances made from database rows without running `Model.__init__`.

`Model.from_db` builds each row's instance by calling the model with one positional value per
column (a marker for each deferred one): `__init__` sends `pre_init` and `post_init`, walks every
concrete field and sets each value through `setattr`. For a row that is all it does, but it costs:
a page of 14 wallet cards (each an award with its achievement and issuer) took 1.0 ms to load of
which 0.15 ms was PostgreSQL, and a member's page makes a few hundred such instances.

Here an instance is made the way unpickling makes one: the values go straight into its `__dict__`,
beside a fresh `ModelState`, and `post_init` is still sent. That is the same instance as long as
setting a field through `setattr` only stores the value, which is checked once per model: its
`__init__` is Django's (or modeltranslation's wrapper of it, which only renames keyword
arguments), and each field's attribute is either a plain descriptor or one known to store the
value as given (a foreign key's id, a file, a translated field while the instance is being
built). A model that fails the check, or one with a `pre_init` receiver, is loaded by Django's
`from_db`.
"""

import inspect

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor, ImageFileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.signals import post_init, pre_init

_django_from_db = Model.from_db.__func__
_django_init = Model.__init__
_plain: dict[type, tuple[str, ...] | None] = {}  # the attnames of the concrete fields, or None


def _init_is_djangos(model) -> bool:
    for klass in model.__mro__:
        if klass is not model and klass not in (Model, object) and "__init__" in vars(klass):
            return False  # a mixin's own __init__, which Django's would call
        if "__setattr__" in vars(klass) and klass is not object:
            return False
    init = model.__init__
    while init is not _django_init:
        # modeltranslation replaces the __init__ of each translated model with one that renames
        # keyword arguments (none are passed here) and calls the one it replaced.
        if init.__module__ != "modeltranslation.translator":
            return False
        init = inspect.getclosurevars(init).nonlocals.get("old_init")
        if init is None:
            return False
    return True


def _stores_plainly(model, field) -> bool:
    """Whether `setattr(instance, field.attname, value)` on an instance being built only puts the
    value in its `__dict__`."""
    from modeltranslation.fields import TranslationFieldDescriptor

    attribute = inspect.getattr_static(model, field.attname, None)
    if attribute is None or not hasattr(type(attribute), "__set__"):
        return True  # no data descriptor: setattr stores in __dict__
    kind = type(attribute)  # exactly: a subclass may do more when set
    if kind is ImageFileDescriptor:
        return not (field.width_field or field.height_field)  # those are updated as it is set
    if kind is TranslationFieldDescriptor:
        return not field.is_relation
    return kind in (FileDescriptor, ForeignKeyDeferredAttribute) or getattr(kind, "stores_plainly", False)


def _concrete_attnames(model) -> tuple[str, ...] | None:
    """The attnames of the model's concrete fields if its instances can be loaded without
    `__init__`, else None (checked once per model)."""
    try:
        return _plain[model]
    except KeyError:
        fields = model._meta.concrete_fields
        plain = _init_is_djangos(model) and all(_stores_plainly(model, field) for field in fields)
        attnames = _plain[model] = tuple(field.attname for field in fields) if plain else None
        return attnames


def loads_plainly(model) -> bool:
    return _concrete_attnames(model) is not None


def from_db(cls, db, field_names, values, *, fetch_mode=None):
    """What `Model.from_db` returns (see the module's text). `field_names` are the attnames of
    the loaded columns, in the order of `values`; deferred fields are absent from `__dict__`,
    as Django leaves them, and load on first access."""
    attnames = _concrete_attnames(cls)
    if attnames is None or pre_init.has_listeners(cls):
        return _django_from_db(cls, db, field_names, values, fetch_mode=fetch_mode)
    if len(values) == len(attnames):
        field_names = attnames  # as Django reads a full row: every column, in the fields' order
    new = cls.__new__(cls)
    state = ModelState()
    state.adding = False
    state.db = db
    if fetch_mode is not None:
        state.fetch_mode = fetch_mode
    attributes = new.__dict__
    attributes["_state"] = state
    attributes.update(zip(field_names, values, strict=True))
    post_init.send(sender=cls, instance=new)
    return new


def use_plain_loading(app_config) -> None:
    """Load the app's models with `from_db` above, except any model that defines its own (which
    can call `from_db` of this module itself)."""
    for model in app_config.get_models():
        if model.from_db.__func__ is _django_from_db:
            model.from_db = classmethod(from_db)
