"""随手拍: citizens' reports from the portal, filed as cases of kind `report`."""
