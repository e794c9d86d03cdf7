"""Hetzner's official Python library (hcloud-python, Debian python3-hcloud) as a client of the fake Hetzner API.

Run by test/hcloud-clients.e2e-spec.ts: python3 hcloud-python-client.py ENDPOINT TOKEN READONLY_TOKEN SERVER_ID
Prints one JSON object with what each call returned; the test asserts on it and on the fake's state.
"""
import json
import sys

from hcloud import APIException, Client

endpoint, token, readonly_token, server_id = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client = Client(token=token, api_endpoint=endpoint)
out = {}


def error_code(call):
    try:
        call()
    except APIException as error:
        return error.code
    return None


# Every page: the library asks for per_page=50 and follows meta.pagination.next_page.
bulk = client.images.get_all(type="snapshot", label_selector="bulk=yes")
out["bulk_ids"] = [image.id for image in bulk]

server = client.servers.get_by_id(server_id)
created = client.servers.create_image(
    server, description="made by hcloud-python", type="snapshot", labels={"made-by": "python"}
)
out["create_action_status"] = created.action.status
created.action.wait_until_finished()
out["waited_action"] = {"command": created.action.command, "status": created.action.status}
image = client.images.get_by_id(created.image.id)
out["image"] = {
    "id": image.id,
    "status": image.status,
    "description": image.description,
    "labels": image.labels,
    "created_from": image.created_from.id,
}

protect = client.images.change_protection(image, delete=True)
out["protect_action"] = {"command": protect.command, "status": protect.status}
out["protected"] = client.images.get_by_id(image.id).protection["delete"]
out["delete_protected_error"] = error_code(lambda: client.images.delete(image))
client.images.change_protection(image, delete=False)
out["deleted"] = client.images.delete(image)
out["get_deleted_error"] = error_code(lambda: client.images.get_by_id(image.id))

readonly = Client(token=readonly_token, api_endpoint=endpoint)
out["readonly_error"] = error_code(lambda: readonly.images.delete(bulk[0]))

print(json.dumps(out))
