"""What a VIN says about its vehicle: the make, and a plausible model, year and powertrain.

Two kinds of VIN reach the sandbox:

* Smartcar's test VINs: ``0SC`` + a make code + digits (``0SCAUDI037A5ADB1C`` an AUDI,
  ``0SCGMCT0386A85356`` a GMC, ``0SCLR0002E8896323`` a LAND ROVER). The sandbox's own VINs
  (``ids.new_vin``) have the same shape: ``0SC`` + four letters of the make.
* Real VINs: the first three characters are the World Manufacturer Identifier (``5YJ`` TESLA,
  ``1G1`` CHEVROLET, ``WBA`` BMW, ``WVW`` VOLKSWAGEN ...) and the tenth is the model year.

The model comes from ``catalog``: one of the make's models, preferring the wanted powertrain
and a production range that holds the VIN's year. A make never gets a powertrain it does not
build (no TESLA plug-in hybrid): when the wanted one is missing, the make's own is kept.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from tui.sandbox import catalog

TEST_PREFIX = "0SC"

# World Manufacturer Identifiers (first three characters; a two-character prefix where the
# third varies by plant or division). Public knowledge, enough for the makes in the catalog.
WMI: dict[str, str] = {
    "5YJ": "TESLA", "7SA": "TESLA", "LRW": "TESLA", "XP7": "TESLA", "SFZ": "TESLA",
    "1G1": "CHEVROLET", "1GC": "CHEVROLET", "1GN": "CHEVROLET", "1GB": "CHEVROLET",
    "2G1": "CHEVROLET", "3G1": "CHEVROLET", "3GN": "CHEVROLET", "3GC": "CHEVROLET",
    "KL7": "CHEVROLET",
    "1GT": "GMC", "1GK": "GMC", "1GD": "GMC", "2GT": "GMC", "3GT": "GMC", "3GK": "GMC",
    "1G6": "CADILLAC", "1GY": "CADILLAC", "3GY": "CADILLAC",
    "1G4": "BUICK", "2G4": "BUICK", "5GA": "BUICK", "KL4": "BUICK", "LRB": "BUICK",
    "1G": "CHEVROLET",  # another GM division: Chevrolet, GM's largest
    "WBA": "BMW", "WBS": "BMW", "WBY": "BMW", "5UX": "BMW", "5YM": "BMW", "4US": "BMW",
    "WMW": "MINI", "WMZ": "MINI",
    "WAU": "AUDI", "WA1": "AUDI", "WUA": "AUDI", "TRU": "AUDI",
    "WVW": "VOLKSWAGEN", "WVG": "VOLKSWAGEN", "1VW": "VOLKSWAGEN", "3VW": "VOLKSWAGEN",
    "WV1": "VOLKSWAGEN", "WV2": "VOLKSWAGEN",
    "WP0": "PORSCHE", "WP1": "PORSCHE",
    "WDB": "MERCEDES-BENZ", "WDD": "MERCEDES-BENZ", "WDC": "MERCEDES-BENZ",
    "W1K": "MERCEDES-BENZ", "W1N": "MERCEDES-BENZ", "4JG": "MERCEDES-BENZ",
    "55S": "MERCEDES-BENZ",
    "1LN": "LINCOLN", "5LM": "LINCOLN", "2LM": "LINCOLN", "1LJ": "LINCOLN",
    "1F": "FORD", "2F": "FORD", "3F": "FORD", "WF0": "FORD", "NM0": "FORD",
    "1N4": "NISSAN", "1N6": "NISSAN", "3N1": "NISSAN", "5N1": "NISSAN", "JN1": "NISSAN",
    "JN8": "NISSAN", "SJN": "NISSAN",
    "JNK": "INFINITI", "JNR": "INFINITI", "5N3": "INFINITI",
    "JTH": "LEXUS", "JTJ": "LEXUS", "2T2": "LEXUS", "58A": "LEXUS",
    "4T1": "TOYOTA", "4T3": "TOYOTA", "5TD": "TOYOTA", "5TF": "TOYOTA", "2T3": "TOYOTA",
    "5YF": "TOYOTA", "JT": "TOYOTA",
    "KMH": "HYUNDAI", "KM8": "HYUNDAI", "5NP": "HYUNDAI", "5NM": "HYUNDAI",
    "KNA": "KIA", "KND": "KIA", "5XX": "KIA", "5XY": "KIA", "3KP": "KIA",
    "YV1": "VOLVO", "YV4": "VOLVO", "7JR": "VOLVO", "LYV": "VOLVO",
    "SAJ": "JAGUAR", "SAD": "JAGUAR",
    "SAL": "LAND ROVER",
    "1C4": "JEEP", "1J4": "JEEP", "1J8": "JEEP", "ZAC": "JEEP",
    "2C4": "CHRYSLER", "2A4": "CHRYSLER",
    "1B3": "DODGE", "2B3": "DODGE", "2C3": "DODGE", "1C3": "DODGE",
    "1C6": "RAM", "3C6": "RAM", "3D7": "RAM",
    "1HG": "HONDA", "2HG": "HONDA", "5FN": "HONDA", "5J6": "HONDA", "JHM": "HONDA",
    "SHH": "HONDA", "7FA": "HONDA",
    "19U": "ACURA", "JH4": "ACURA", "5J8": "ACURA",
    "JF1": "SUBARU", "JF2": "SUBARU", "4S3": "SUBARU", "4S4": "SUBARU",
    "JM1": "MAZDA", "JM3": "MAZDA", "3MZ": "MAZDA",
    "7FC": "RIVIAN", "7PD": "RIVIAN",
    "LPS": "POLESTAR", "YSM": "POLESTAR",
    "50E": "LUCID",
}  # fmt: skip

# Smartcar's own make codes in test VINs that are not simply the make's first letters.
TEST_MAKE_CODES: dict[str, str] = {"LR": "LAND ROVER", "GM": "GMC", "MB": "MERCEDES-BENZ"}

# Tesla spells the model in the fourth character.
_TESLA_MODELS = {"S": "Model S", "3": "Model 3", "X": "Model X", "Y": "Model Y"}

# The tenth character's year code repeats every 30 years (A = 1980 or 2010).
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


def is_test_vin(vin: str) -> bool:
    return vin.upper().startswith(TEST_PREFIX)


def _test_codes() -> list[tuple[str, str]]:
    """(code, make) pairs for test VINs, longest code first so GMCX beats GMC beats GM."""
    pairs: dict[str, str] = {}
    for make in catalog.MAKES:
        letters = "".join(c for c in make if c.isalpha())
        pairs.setdefault(letters[:4].ljust(4, "X"), make)  # ids.new_vin's shape
        pairs.setdefault(letters, make)
        pairs.setdefault(letters[:4], make)
    pairs.update(TEST_MAKE_CODES)
    return sorted(pairs.items(), key=lambda item: -len(item[0]))


def make_of(vin: str) -> str | None:
    """The make a VIN names, or None when the sandbox cannot tell."""
    vin = vin.strip().upper()
    if len(vin) != 17:
        return None
    if is_test_vin(vin):
        rest = vin[len(TEST_PREFIX) :]
        return next((make for code, make in _test_codes() if rest.startswith(code)), None)
    return WMI.get(vin[:3]) or WMI.get(vin[:2])


def year_of(vin: str, today: datetime | None = None) -> int | None:
    """The model year of a real VIN (tenth character), the latest cycle not in the future."""
    vin = vin.strip().upper()
    if len(vin) != 17 or is_test_vin(vin) or vin[9] not in _YEAR_CODES:
        return None
    latest = (today or datetime.now(UTC)).year + 1  # next year's models are sold this year
    year = 1980 + _YEAR_CODES.index(vin[9])
    while year + 30 <= latest:
        year += 30
    return year


def _fits(model: catalog.Model, year: int) -> bool:
    return model.start_year <= year <= model.end_year


def model_for(make: str, wanted_type: str | None = None, year: int | None = None) -> catalog.Model:
    """A plausible model of ``make``: the wanted powertrain when the make builds it, a
    production range holding ``year`` when one does, else the make's default model."""
    models = catalog.models_of(make) or [catalog.default_model(make)]
    typed = [m for m in models if m.type == wanted_type] if wanted_type else []
    pool = typed or models
    if year is not None:
        dated = [m for m in pool if _fits(m, year)]
        if dated:
            return dataclasses.replace(dated[0], year=year)
        # Combustion nameplates are older than their connected years: keep the VIN's year.
        older = [m for m in pool if m.type == "ICE" and year < m.start_year]
        if older:
            return dataclasses.replace(older[0], year=year)
        nearest = min(pool, key=lambda m: min(abs(year - m.start_year), abs(year - m.end_year)))
        clamped = min(max(year, nearest.start_year), nearest.end_year)
        return dataclasses.replace(nearest, year=clamped)
    return pool[0]


def decode(vin: str, wanted_type: str | None = None) -> catalog.Model | None:
    """The vehicle behind a VIN the sandbox does not know, or None for an unknown make."""
    vin = vin.strip().upper()
    make = make_of(vin)
    if make is None:
        return None
    year = year_of(vin)
    if make == "TESLA" and not is_test_vin(vin) and vin[3] in _TESLA_MODELS:
        named = [m for m in catalog.models_of(make) if m.model == _TESLA_MODELS[vin[3]]]
        if named:
            model = named[0]
            return dataclasses.replace(model, year=year) if year is not None else model
    return model_for(make, wanted_type, year)
