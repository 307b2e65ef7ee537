"""Short reference codes a citizen can read out, write down or type back.

Crockford base32 (no I, L, O or U, so nothing is mistaken for 1, 0 or V) of the first
40 random bits of the complaint's uuid, shown as two groups of four: `K7Q4-9XZM`.
Typed codes forgive the usual slips: lower case, spaces, O for 0, I or L for 1.
"""

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_SLIPS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def ref_code(uuid: str) -> str:
    value = int(uuid.replace("-", "")[:10], 16)
    chars = "".join(ALPHABET[(value >> shift) & 31] for shift in range(35, -1, -5))
    return f"{chars[:4]}-{chars[4:]}"


def normalize(typed: str) -> str | None:
    """The code in its shown form, or None when `typed` cannot be one."""
    chars = "".join(ch for ch in typed.upper() if ch not in " -").translate(_SLIPS)
    if len(chars) != LENGTH or any(ch not in ALPHABET for ch in chars):
        return None
    return f"{chars[:4]}-{chars[4:]}"
