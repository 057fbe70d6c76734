"""The demo catalog's words for its units, categories and specification options, in zh and en."""

from __future__ import annotations

from typing import Any

UNITS = {"pcs": ("件", "pcs"), "set": ("套", "set"), "m": ("米", "m")}
CATEGORIES = {
    "pumps": ("泵", "Pumps"),
    "valves": ("阀门", "Valves"),
    "motors": ("电机", "Motors"),
    "gearboxes": ("减速机", "Gearboxes"),
    "bearings": ("轴承", "Bearings"),
    "sensors": ("传感器", "Sensors"),
    "controls": ("控制设备", "Controls"),
    "piping": ("管道与管件", "Piping"),
    "hydraulics": ("液压设备", "Hydraulics"),
    "conveyors": ("输送设备", "Conveyors"),
    "spare parts": ("备件", "Spare parts"),
}
# option names and the values that are words (220V, PN16, 10:1 read the same in both languages)
TERMS = {
    "voltage": ("电压", "Voltage"),
    "seal": ("密封", "Seal"),
    "stages": ("级数", "Stages"),
    "material": ("材质", "Material"),
    "pressure": ("压力等级", "Pressure rating"),
    "actuator": ("驱动方式", "Actuator"),
    "poles": ("极数", "Poles"),
    "mounting": ("安装方式", "Mounting"),
    "protection": ("防爆等级", "Protection"),
    "ratio": ("速比", "Ratio"),
    "output": ("输出", "Output"),
    "cage": ("保持架", "Cage"),
    "length": ("长度", "Length"),
    "input": ("输入电源", "Input"),
    "enclosure": ("防护等级", "Enclosure"),
    "language": ("界面语言", "Language"),
    "grade": ("牌号", "Grade"),
    "standard": ("标准", "Standard"),
    "valves": ("阀组", "Valves"),
    "belt": ("输送带", "Belt"),
    "frame": ("机架", "Frame"),
    "mechanical": ("机械密封", "mechanical seal"),
    "packing": ("填料密封", "packing seal"),
    "cast iron": ("铸铁", "cast iron"),
    "stainless steel": ("不锈钢", "stainless steel"),
    "bronze": ("青铜", "bronze"),
    "manual": ("手动", "manual"),
    "electric": ("电动", "electric"),
    "pneumatic": ("气动", "pneumatic"),
    "solid shaft": ("实心轴", "solid shaft"),
    "hollow shaft": ("空心轴", "hollow shaft"),
    "open": ("开式", "open"),
    "steel": ("钢", "steel"),
    "brass": ("黄铜", "brass"),
    "zh": ("中文", "Chinese"),
    "en": ("英文", "English"),
    "flange": ("法兰安装", "flange"),
    "clevis": ("耳环安装", "clevis"),
    "trunnion": ("耳轴安装", "trunnion"),
    "2 stations": ("2 联", "2 stations"),
    "4 stations": ("4 联", "4 stations"),
    "PVC": ("PVC", "PVC"),
    "rubber": ("橡胶", "rubber"),
    "painted steel": ("喷漆碳钢", "painted steel"),
    "220V 1ph": ("220V 单相", "220V single-phase"),
    "380V 3ph": ("380V 三相", "380V three-phase"),
}


def _pair(words: tuple[str, str]) -> dict[str, str]:
    return {"zh": words[0], "en": words[1]}


def labels_for(category: str, unit: str, specs: dict[str, list[str]]) -> dict[str, Any]:
    """A demo product's labels: its unit, its category and the words among its spec options."""
    codes = [*specs, *(value for values in specs.values() for value in values)]
    return {
        "unit": _pair(UNITS[unit]),
        "category": _pair(CATEGORIES[category]),
        "terms": {code: _pair(TERMS[code]) for code in codes if code in TERMS},
    }
