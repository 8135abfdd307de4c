@_exported import KaopingModel
