"""The portal as an installable app for phones: the web app manifest, the service worker served from the
site root (so its scope is the whole portal) and the page it shows when the network is gone. Plain files,
no JavaScript build step; the scripts are in portal/static/js/."""
