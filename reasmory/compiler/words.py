"""The words the question reader listens for: operation cues, units, pose phrases, topics geometry cannot answer.

Data only. Cue words are matched on the normalised token stream
(`reasmory.compiler.normalize`): lower case, contractions expanded, typos of
these words corrected, "m²" → "m2".
"""

from __future__ import annotations

import re

from reasmory.memory.resolve import NOT_OBJECTS

#: Units a number can be asked in → (kind, factor from the memory's unit: metres or m²).
UNITS: dict[str, tuple[str, float, str]] = {
    "m": ("length", 1.0, "m"), "meter": ("length", 1.0, "m"), "metre": ("length", 1.0, "m"),
    "cm": ("length", 100.0, "cm"), "centimeter": ("length", 100.0, "cm"), "centimetre": ("length", 100.0, "cm"),
    "mm": ("length", 1000.0, "mm"), "millimeter": ("length", 1000.0, "mm"), "millimetre": ("length", 1000.0, "mm"),
    "ft": ("length", 1 / 0.3048, "ft"), "foot": ("length", 1 / 0.3048, "ft"), "feet": ("length", 1 / 0.3048, "ft"),
    "inch": ("length", 1 / 0.0254, "in"), "inches": ("length", 1 / 0.0254, "in"),
    "m2": ("area", 1.0, "m2"), "ft2": ("area", 1 / 0.09290304, "ft2"),
}
def unit_of(token: str) -> tuple[str, float, str] | None:
    """(kind, factor, name) of a unit word, plurals included ('meters', 'cms'); None for other words."""
    return UNITS.get(token) or (UNITS.get(token[:-1]) if token.endswith("s") and len(token) > 2 else None)


#: Multi-word unit phrases, rewritten to one token before anything else is read.
UNIT_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), t) for p, t in (
    (r"\bsquare (?:meters?|metres?|m)\b|\bsq\.? ?(?:meters?|metres?|m)\b|\bsqm\b|\bm\^2\b|\bm²|\bmeters? squared\b|\bmetres? squared\b", " m2 "),
    (r"\bsquare (?:feet|foot|ft)\b|\bsq\.? ?(?:ft|feet|foot)\b|\bft\^2\b|\bft²|\bfeet squared\b", " ft2 "),
    (r"(?<=\d)\s*(cm|mm|m|ft|in)\b", r" \1 "),
    (r"(?<=\d)\s*(?:\"|”|'')", " inches "),
))

#: Words that choose an operation. Each family lists single words and phrases (matched on token boundaries).
COUNT = ("how many", "count", "number of", "tally", "total number")
EXISTS_START = ("is there", "are there", "is there any", "are there any", "do you see", "can you see", "can i see",
                "do i see", "does the room have", "does this room have", "does the room contain", "does this room contain",
                "do we have", "do they have", "have you got", "is a", "is an", "any", "do you spot", "can you spot",
                "does the scene have", "does this scene have", "does the space have", "does this space have",
                "is anything", "did you see", "did you spot", "was there", "were there", "got a", "got an", "got any",
                "you got a", "you got any", "have we got", "have i got")
DISTANCE = ("how far", "distance", "gap", "apart", "clearance", "space between", "separate", "separates",
            "separating", "between", "how close", "far away", "far from", "room between", "spacing", "away from")
NEAR = ("closer", "closest", "nearest", "nearer", "near", "close")
FAR = ("farther", "farthest", "further", "furthest", "most distant", "more distant", "farthest away")
TALL = ("tall", "height", "high", "taller", "tallest", "shorter", "shortest", "higher", "highest")
SIZE = ("big", "large", "long", "length", "size", "longest", "dimension", "dimensions", "biggest", "largest",
        "measure", "measures", "wide", "width", "across", "extent", "longest side", "long side")
COMPARE_MORE = {"taller": "height", "higher": "height", "longer": "length", "bigger": "volume", "larger": "volume",
                "wider": "length", "heavier": "volume"}
COMPARE_LESS = {"shorter": "height", "lower": "height", "smaller": "volume", "narrower": "length", "tinier": "volume"}
AREA = ("area", "floor area", "floor space", "footprint", "square footage", "surface area", "floor size",
        "how big is the room", "how large is the room", "size of the room", "size of this room", "room size")
ROOM_WORDS = ("room", "space", "place", "apartment", "flat", "area", "scene", "house", "home", "floor", "office",
              "kitchen", "bedroom", "bathroom", "studio", "here")
ORDER = ("appear", "appears", "appearance", "show up", "shows up", "seen first", "first seen", "comes first",
         "order", "sequence", "first time")

#: Pose phrases: where the viewer stands and where it faces.
POSE_AT = ("standing", "stand", "stood", "sitting", "sit", "sat", "seated", "lying", "lie", "positioned", "located",
           "placed", "am", "i am", "you are", "you're", "from", "at", "by", "beside", "next to", "near", "on", "in front of",
           "leaning", "waiting", "kneeling", "perched", "staying")
POSE_FACING = ("facing", "face", "faces", "facing towards", "facing toward", "looking at", "looking towards",
               "looking toward", "look at", "look towards", "look toward", "turned towards", "turned toward",
               "turn towards", "turn toward", "pointing at", "pointing towards", "pointing toward", "oriented towards",
               "oriented toward", "facing to", "looking to", "with my face to", "eyes on", "staring at", "watching",
               "gazing at", "heading towards", "heading toward", "aimed at", "towards", "toward")
POSE_BACK = ("with my back to", "with my back toward", "with my back towards", "back to", "my back against",
             "back turned to", "facing away from", "with the back to", "back facing")
SIDES = ("left", "right", "behind", "front", "back", "ahead", "clock", "o'clock", "oclock", "quadrant", "side",
         "which way", "where")

#: Topics boxes and points cannot show → the sentence that says why.
DECLINE: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), why) for p, why in (
    (r"\bcolou?rs?\b|\bcolou?red\b|\bwhat shade\b|\bhue\b|\b(?:is|are) (?:the )?\w+(?: \w+)? (?:red|blue|green|black|white|yellow|brown|grey|gray|pink|purple|orange|beige)(?:\?|$| or\b)",
     "colour is not in the memory: it holds where objects are, their sizes and their labels, not how they look"),
    (r"\bmade (?:out )?of\b|\bmaterials?\b|\bwooden\b|\bfabric\b|\btexture\b|\bleather\b|\bplastic\b|\bmetal\b",
     "materials are not in the memory: it holds objects' positions, sizes and labels, not what they are made of"),
    (r"\bbrand\b|\bmanufacturer\b|\bwhat make\b|\bwhich make\b|\bmodel of\b|\bwho makes\b|\bwho made\b|\blogo\b",
     "brands and models are not in the memory: it holds objects' labels, positions and sizes only"),
    (r"\bdoing\b|\bwho is\b|\bwho's\b|\bpersons?\b|\bpeople\b|\bsomeone\b|\banyone\b|\bsleeping\b|\bwatching tv\b|\bactivity\b",
     "people and what they are doing are not in the memory: it holds the room's objects, not people or actions"),
    (r"\bscreen show|\bon the (?:screen|tv|television|monitor)\b|\bdisplay(?:s|ing)? on\b|\bwritten\b|\btext\b|\bwhat time\b|\btime (?:is it|does)\b|\bplaying\b|\bchannel\b|\bprogramme\b|\bshow(?:ing)? on\b",
     "what a screen shows, what is written and what time a clock reads are not in the memory: it holds shapes and places, not images of them"),
    (r"\bturned on\b|\bswitched on\b|\b(?:is|are) (?:the )?\w+(?: \w+)? (?:on|off)(?:\?|$| or\b| right now\b)|\bworking\b|\bbroken\b|\bplugged in\b|\bopen or closed\b|\bis (?:the )?\w+ open\b|\bis (?:the )?\w+ closed\b|\bclean\b|\bdirty\b",
     "whether something is on, open, working or clean is not in the memory: it holds where objects are and how big, not their state"),
    (r"\bweigh\b|\bweighs\b|\bweight\b|\bheavy\b|\bcost\b|\bprice\b|\bworth\b|\bhow old\b|\bage of\b|\bexpensive\b|\btemperature\b|\bhow warm\b|\bhow hot\b|\bcomfortable\b|\bstyle\b|\bpretty\b|\bbeautiful\b|\bugly\b",
     "weight, price, age, temperature and taste are not in the memory: it holds positions, sizes and labels"),
    (r"\bwhat (?:is|are) (?:in|inside) (?!front)|\bwhat'?s inside\b|\bcontents?\b|\bwhat is on top of\b|\bfilled with\b",
     "what is inside or on top of things is not in the memory unless it was grounded as an object of its own"),
    (r"\bwhy\b|\bwho\b|\bwhose\b|\brecommend\b|\bopinion\b|\bfavou?rite\b",
     "reasons, owners and opinions are not in the memory: it answers where, how far, how big and how many"),
))

#: Ordinals and small cardinals ("the second image", "image two").
NUMBER_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
}
CAMERA_NOUNS = ("image", "view", "frame", "photo", "picture", "shot", "camera", "img", "pic")

#: Words whose misspellings are corrected before reading (edit-distance close, at least 4 letters).
CUE_VOCABULARY: tuple[str, ...] = tuple(sorted({
    w for phrase in (*COUNT, *DISTANCE, *NEAR, *FAR, *TALL, *SIZE, *COMPARE_MORE, *COMPARE_LESS, *AREA, *ORDER,
                     *POSE_FACING, *SIDES, *CAMERA_NOUNS, "standing", "sitting", "forward", "backward", "between",
                     "distance", "centimeters", "centimetres", "meters", "metres", "millimeters", "inches", "feet",
                     "square", "which", "where", "there", "facing", "towards", "beginning", "navigate", "robot",
                     "imagine", "destination", "measuring", "length", "width", "height", "behind", "nearest", "furthest")
    for w in phrase.split() if len(w) >= 4
}))
