@_exported import KaopingRules
