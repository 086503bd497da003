"""The brands and models the sandbox's test vehicles are made of.

The first model of a make is the one a plain login gets. ``FLEET`` is the order in which
extra vehicles are handed out to ``<N>-vehicles@smartcar.com`` logins.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    make: str
    model: str
    year: int
    type: str  # BEV, PHEV or ICE
    start_year: int
    end_year: int


def _m(
    make: str, model: str, year: int, kind: str, start: int | None = None, end: int | None = None
) -> Model:
    return Model(make, model, year, kind, start or year - 2, end or year + 3)


MODELS: tuple[Model, ...] = (
    _m("TESLA", "Model 3", 2021, "BEV", 2017, 2025),
    _m("TESLA", "Model S", 2019, "BEV", 2014, 2025),
    _m("TESLA", "Model Y", 2022, "BEV", 2020, 2025),
    _m("TESLA", "Model X", 2019, "BEV", 2016, 2025),
    _m("CHEVROLET", "Volt", 2018, "PHEV", 2016, 2019),
    _m("CHEVROLET", "Bolt EV", 2020, "BEV", 2017, 2023),
    _m("CHEVROLET", "Silverado", 2019, "ICE", 2016, 2025),
    _m("AUDI", "A4", 2016, "ICE", 2016, 2025),
    _m("AUDI", "e-tron", 2021, "BEV", 2019, 2024),
    _m("FORD", "Mustang Mach-E", 2021, "BEV", 2021, 2025),
    _m("FORD", "F-150", 2020, "ICE", 2018, 2025),
    _m("FORD", "Escape Plug-In Hybrid", 2021, "PHEV", 2020, 2025),
    _m("BMW", "i3", 2019, "BEV", 2014, 2022),
    _m("BMW", "330e", 2020, "PHEV", 2016, 2025),
    _m("BMW", "X5", 2019, "ICE", 2014, 2025),
    _m("NISSAN", "Leaf", 2020, "BEV", 2018, 2025),
    _m("NISSAN", "Rogue", 2019, "ICE", 2017, 2025),
    _m("HYUNDAI", "Ioniq 5", 2022, "BEV", 2022, 2025),
    _m("HYUNDAI", "Tucson", 2021, "ICE", 2019, 2025),
    _m("KIA", "EV6", 2022, "BEV", 2022, 2025),
    _m("KIA", "Niro PHEV", 2020, "PHEV", 2018, 2025),
    _m("VOLKSWAGEN", "ID.4", 2021, "BEV", 2021, 2025),
    _m("VOLKSWAGEN", "Golf", 2018, "ICE", 2015, 2021),
    _m("TOYOTA", "RAV4 Prime", 2021, "PHEV", 2021, 2025),
    _m("TOYOTA", "Camry", 2020, "ICE", 2018, 2025),
    _m("MERCEDES-BENZ", "EQS", 2022, "BEV", 2022, 2025),
    _m("MERCEDES-BENZ", "C-Class", 2019, "ICE", 2015, 2025),
    _m("VOLVO", "XC40 Recharge", 2021, "BEV", 2021, 2025),
    _m("VOLVO", "XC90 Recharge", 2020, "PHEV", 2016, 2025),
    _m("CADILLAC", "Lyriq", 2023, "BEV", 2023, 2025),
    _m("CADILLAC", "Escalade", 2021, "ICE", 2015, 2025),
    _m("LINCOLN", "Aviator Grand Touring", 2021, "PHEV", 2020, 2025),
    _m("MINI", "Cooper SE", 2021, "BEV", 2020, 2024),
    _m("JAGUAR", "I-PACE", 2020, "BEV", 2019, 2025),
    _m("PORSCHE", "Taycan", 2021, "BEV", 2020, 2025),
    _m("RIVIAN", "R1T", 2022, "BEV", 2022, 2025),
    _m("JEEP", "Wrangler 4xe", 2021, "PHEV", 2021, 2025),
    # Makes a decoded VIN can name (see vin_decode); the first model is the make's default.
    _m("GMC", "Hummer EV Pickup", 2022, "BEV", 2022, 2025),  # 0SCGMC…: Smartcar's BEV
    _m("GMC", "Sierra 1500", 2020, "ICE", 2016, 2025),
    _m("BUICK", "Envision", 2021, "ICE", 2016, 2025),
    _m("LAND ROVER", "Range Rover Sport PHEV", 2021, "PHEV", 2020, 2025),
    _m("LAND ROVER", "Defender", 2021, "ICE", 2020, 2025),
    _m("LEXUS", "NX 450h+", 2022, "PHEV", 2022, 2025),
    _m("LEXUS", "RZ", 2023, "BEV", 2023, 2025),
    _m("LEXUS", "RX", 2020, "ICE", 2016, 2025),
    _m("HONDA", "Accord", 2020, "ICE", 2018, 2025),
    _m("HONDA", "Prologue", 2024, "BEV", 2024, 2025),
    _m("HONDA", "Clarity Plug-In Hybrid", 2019, "PHEV", 2018, 2021),
    _m("ACURA", "MDX", 2020, "ICE", 2017, 2025),
    _m("ACURA", "ZDX", 2024, "BEV", 2024, 2025),
    _m("SUBARU", "Outback", 2020, "ICE", 2018, 2025),
    _m("SUBARU", "Solterra", 2023, "BEV", 2023, 2025),
    _m("MAZDA", "CX-5", 2020, "ICE", 2017, 2025),
    _m("MAZDA", "CX-90 PHEV", 2024, "PHEV", 2024, 2025),
    _m("POLESTAR", "Polestar 2", 2022, "BEV", 2021, 2025),
    _m("LUCID", "Air", 2023, "BEV", 2022, 2025),
    _m("INFINITI", "QX60", 2020, "ICE", 2017, 2025),
    _m("DODGE", "Durango", 2020, "ICE", 2016, 2025),
    _m("DODGE", "Hornet R/T", 2024, "PHEV", 2024, 2025),
    _m("RAM", "1500", 2020, "ICE", 2016, 2025),
    _m("CHRYSLER", "Pacifica Hybrid", 2020, "PHEV", 2017, 2025),
)

MAKES: tuple[str, ...] = tuple(dict.fromkeys(m.make for m in MODELS))
DEFAULT_MAKE = "TESLA"


def _model(make: str, name: str) -> Model:
    return next(m for m in MODELS if m.make == make and m.model == name)


# Extra vehicles of multi-vehicle logins come from this list, in order: a petrol car second
# (after an electric first vehicle) so two vehicles already cover both worlds.
FLEET: tuple[Model, ...] = (
    _model("TESLA", "Model 3"),  # BEV
    _model("AUDI", "A4"),  # ICE
    _model("CHEVROLET", "Volt"),  # PHEV
    _model("NISSAN", "Leaf"),  # BEV
    _model("FORD", "F-150"),  # ICE
    _model("BMW", "330e"),  # PHEV
    _model("HYUNDAI", "Ioniq 5"),  # BEV
    _model("TOYOTA", "Camry"),  # ICE
)


# Brands whose connected services the sandbox treats as North American only; other countries
# (Connect's ``flags=country:XX``) do not see them on the brand page.
NORTH_AMERICA_ONLY = frozenset(
    {
        "CHEVROLET",
        "CADILLAC",
        "LINCOLN",
        "RIVIAN",
        "GMC",
        "BUICK",
        "ACURA",
        "INFINITI",
        "DODGE",
        "RAM",
        "CHRYSLER",
    }
)


def makes_for_country(country: str) -> tuple[str, ...]:
    if country.upper() in ("US", "CA"):
        return MAKES
    return tuple(m for m in MAKES if m not in NORTH_AMERICA_ONLY)


def normalize_make(make: str) -> str | None:
    """The catalog spelling of a make (``tesla``, ``Mercedes Benz`` → ``MERCEDES-BENZ``)."""
    wanted = make.strip().upper().replace("_", " ")
    for candidate in (wanted, wanted.replace(" ", "-"), wanted.replace("-", " ")):
        if candidate in MAKES:
            return candidate
    return None


def models_of(make: str) -> list[Model]:
    return [m for m in MODELS if m.make == make]


def default_model(make: str) -> Model:
    models = models_of(make)
    return models[0] if models else MODELS[0]


def model_of_type(make: str, vehicle_type: str) -> Model:
    """A model of this make with this powertrain; the make's default when it builds none.

    Never a made-up pair: a make without plug-in hybrids (TESLA) keeps its own powertrain.
    """
    for model in models_of(make):
        if model.type == vehicle_type:
            return model
    return default_model(make)


def complement(first: Model) -> Model:
    """A second vehicle of the other world: petrol after electric, electric after petrol."""
    if first.type == "BEV":
        return FLEET[1]  # AUDI A4, ICE
    return FLEET[0]  # TESLA Model 3, BEV


def multi_vehicle_models(first: Model, count: int) -> list[Model]:
    """``count`` models: the chosen brand's first, its complement, then the fleet in turn."""
    chosen = [first]
    if count > 1:
        chosen.append(complement(first))
    pool = [m for m in FLEET if m not in chosen] or list(FLEET)
    index = 0
    while len(chosen) < count:
        chosen.append(pool[index % len(pool)])
        index += 1
    return chosen[:count]
