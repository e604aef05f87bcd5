"""Data: the /config of Hugging Face Space Qwen/Qwen3-Demo (Gradio 5.27.0, modelscope_studio 1.6.1).

Recorded from the reconstruction in the shared captures (``captures/qwen3-demo/config.json``):
every component, dependency, layout and page exactly as served, except that the chatbot's
``api_info`` schemas are cut down to their title and type, and the server's root URL is the
placeholder ``@ROOT@`` (LocalSpace puts its own URL there).
"""

CONFIG_JSON = r'''{
 "version": "5.27.0",
 "api_prefix": "/gradio_api",
 "mode": "blocks",
 "app_id": 3046813962444707314,
 "dev_mode": false,
 "analytics_enabled": false,
 "components": [
  {
   "id": 1,
   "type": "state",
   "props": {
    "time_to_live": null,
    "delete_callback": "<function State.__init__.<locals>.<lambda> at 0x7fb2497516c0>",
    "name": "state",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "c0018f312890f9389cd3be97305d011d4e586347f6326a3c2538e87129d6c931",
   "key": null
  },
  {
   "id": 3,
   "type": "modelscopeapplication",
   "props": {
    "_internal": {
     "layout": true
    },
    "visible": true,
    "name": "modelscopeapplication",
    "_selectable": false
   },
   "skip_api": false,
   "component_class_id": "a810b89521206aa2d565f1be564968a762481d1f93197beb62ab11f937875cdc",
   "key": null,
   "api_info": {
    "$defs": {
     "ApplicationPageScreenData": {
      "properties": {
       "width": {
        "title": "Width",
        "type": "number"
       },
       "height": {
        "title": "Height",
        "type": "number"
       },
       "scrollX": {
        "title": "Scrollx",
        "type": "number"
       },
       "scrollY": {
        "title": "Scrolly",
        "type": "number"
       }
      },
      "required": [
       "width",
       "height",
       "scrollX",
       "scrollY"
      ],
      "title": "ApplicationPageScreenData",
      "type": "object"
     }
    },
    "properties": {
     "screen": {
      "$ref": "#/$defs/ApplicationPageScreenData"
     },
     "language": {
      "title": "Language",
      "type": "string"
     },
     "theme": {
      "title": "Theme",
      "type": "string"
     },
     "userAgent": {
      "title": "Useragent",
      "type": "string"
     }
    },
    "required": [
     "screen",
     "language",
     "theme",
     "userAgent"
    ],
    "title": "ApplicationPageData",
    "type": "object",
    "additional_description": null
   },
   "api_info_as_input": {
    "$defs": {
     "ApplicationPageScreenData": {
      "properties": {
       "width": {
        "title": "Width",
        "type": "number"
       },
       "height": {
        "title": "Height",
        "type": "number"
       },
       "scrollX": {
        "title": "Scrollx",
        "type": "number"
       },
       "scrollY": {
        "title": "Scrolly",
        "type": "number"
       }
      },
      "required": [
       "width",
       "height",
       "scrollX",
       "scrollY"
      ],
      "title": "ApplicationPageScreenData",
      "type": "object"
     }
    },
    "properties": {
     "screen": {
      "$ref": "#/$defs/ApplicationPageScreenData"
     },
     "language": {
      "title": "Language",
      "type": "string"
     },
     "theme": {
      "title": "Theme",
      "type": "string"
     },
     "userAgent": {
      "title": "Useragent",
      "type": "string"
     }
    },
    "required": [
     "screen",
     "language",
     "theme",
     "userAgent"
    ],
    "title": "ApplicationPageData",
    "type": "object",
    "additional_description": null
   },
   "api_info_as_output": {
    "$defs": {
     "ApplicationPageScreenData": {
      "properties": {
       "width": {
        "title": "Width",
        "type": "number"
       },
       "height": {
        "title": "Height",
        "type": "number"
       },
       "scrollX": {
        "title": "Scrollx",
        "type": "number"
       },
       "scrollY": {
        "title": "Scrolly",
        "type": "number"
       }
      },
      "required": [
       "width",
       "height",
       "scrollX",
       "scrollY"
      ],
      "title": "ApplicationPageScreenData",
      "type": "object"
     }
    },
    "properties": {
     "screen": {
      "$ref": "#/$defs/ApplicationPageScreenData"
     },
     "language": {
      "title": "Language",
      "type": "string"
     },
     "theme": {
      "title": "Theme",
      "type": "string"
     },
     "userAgent": {
      "title": "Useragent",
      "type": "string"
     }
    },
    "required": [
     "screen",
     "language",
     "theme",
     "userAgent"
    ],
    "title": "ApplicationPageData",
    "type": "object",
    "additional_description": null
   },
   "example_inputs": {
    "screen": {
     "width": 1920,
     "height": 1080,
     "scrollX": 0,
     "scrollY": 0
    },
    "theme": "light",
    "language": "en",
    "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
   }
  },
  {
   "id": 4,
   "type": "antdxxprovider",
   "props": {
    "locale": "en_US",
    "theme": {
     "token": {
      "colorPrimary": "#6A57FF"
     }
    },
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "antdxxprovider"
   },
   "skip_api": true,
   "component_class_id": "dd517a1af80bbe4030e12588398fddcea1135977455368a43edcdf210af9e2b7",
   "key": null
  },
  {
   "id": 5,
   "type": "modelscopeautoloading",
   "props": {
    "show_timer": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeautoloading"
   },
   "skip_api": true,
   "component_class_id": "9778060a3feecd8022336d22f735199b68ed7e2a6483909f21f1742bbedc685d",
   "key": null
  },
  {
   "id": 6,
   "type": "antdrow",
   "props": {
    "align": "top",
    "gutter": [
     20,
     20
    ],
    "justify": "start",
    "wrap": false,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_id": "chatbot",
    "name": "antdrow"
   },
   "skip_api": true,
   "component_class_id": "68331644825fad39aa33635ad539f38b5b703c99edcf689a104e8d167a62b2d2",
   "key": null
  },
  {
   "id": 7,
   "type": "antdcol",
   "props": {
    "offset": 0,
    "order": 1,
    "pull": 0,
    "push": 0,
    "span": 0,
    "md": {
     "flex": "0 0 260px",
     "span": 24,
     "order": 0
    },
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_style": {
     "width": 0
    },
    "name": "antdcol"
   },
   "skip_api": true,
   "component_class_id": "598f49df714ff42e3d5e686e9a2966ad9c159ac4d3a171de797bcda13ae23080",
   "key": null
  },
  {
   "id": 8,
   "type": "modelscopediv",
   "props": {
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_classes": [
     "chatbot-conversations"
    ],
    "name": "modelscopediv"
   },
   "skip_api": true,
   "component_class_id": "710ab78c8c48016d17d65f5a2207a96c94b73029b96c88b4465dd1a5f587a147",
   "key": null
  },
  {
   "id": 9,
   "type": "antdflex",
   "props": {
    "vertical": true,
    "wrap": "nowrap",
    "justify": "normal",
    "align": "normal",
    "flex": "normal",
    "gap": "small",
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_style": {
     "height": "100%"
    },
    "name": "antdflex"
   },
   "skip_api": true,
   "component_class_id": "ed5948f802183a24cadf47f56f08199cc38392c91e3747198a4fddecb4cac3f7",
   "key": null
  },
  {
   "id": 10,
   "type": "antdtypographytitle",
   "props": {
    "value": "",
    "copyable": false,
    "editable": false,
    "ellipsis": false,
    "level": 1,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_style": {
     "fontSize": 24,
     "padding": 8,
     "margin": 0
    },
    "name": "antdtypographytitle"
   },
   "skip_api": true,
   "component_class_id": "37cebcf0b26c8e3c7a59656d570c0de6a740e253710873903c3c669e0d7b7eae",
   "key": null
  },
  {
   "id": 11,
   "type": "antdflex",
   "props": {
    "wrap": "nowrap",
    "justify": "center",
    "align": "center",
    "flex": "normal",
    "gap": "small",
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "antdflex"
   },
   "skip_api": true,
   "component_class_id": "ed5948f802183a24cadf47f56f08199cc38392c91e3747198a4fddecb4cac3f7",
   "key": null
  },
  {
   "id": 13,
   "type": "antdimage",
   "props": {
    "value": {
     "path": "/tmp/gradio/7d93755bf459f71cdc9b7da268c71cfac792fbc2e93c559df844a89aa6eceb6a/qwen.png",
     "url": "@ROOT@/gradio_api/file=/tmp/gradio/7d93755bf459f71cdc9b7da268c71cfac792fbc2e93c559df844a89aa6eceb6a/qwen.png",
     "size": 70,
     "orig_name": "qwen.png",
     "mime_type": null,
     "is_stream": false,
     "meta": {
      "_type": "gradio.FileData"
     }
    },
    "alt": "logo",
    "height": 24,
    "preview": false,
    "width": 24,
    "_internal": {},
    "visible": true,
    "name": "antdimage",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "49385705264bcd30ec414d21d9545fa0ba511484f7551f44ccba485094b70831",
   "key": null
  },
  {
   "id": 14,
   "type": "modelscopespan",
   "props": {
    "value": "Qwen3",
    "_internal": {
     "index": 1
    },
    "visible": true,
    "name": "modelscopespan"
   },
   "skip_api": true,
   "component_class_id": "7b01ff48dac76903ad8e634326466e9db91cbf7f5e16eb390c72b4a902a2818c",
   "key": null
  },
  {
   "id": 15,
   "type": "antdbutton",
   "props": {
    "auto_insert_space": true,
    "block": true,
    "variant": "filled",
    "color": "primary",
    "_internal": {
     "index": 1,
     "layout": true,
     "bind_click_event": true
    },
    "visible": true,
    "name": "antdbutton"
   },
   "skip_api": true,
   "component_class_id": "1af0b0d7561052142e7affaad5178dde18ebaa0f110835697fd7c0a4efc91302",
   "key": null
  },
  {
   "id": 16,
   "type": "modelscopetext",
   "props": {
    "value": "New Conversation",
    "_internal": {
     "index": 0
    },
    "visible": true,
    "elem_classes": [],
    "name": "modelscopetext",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "ab241afeb708dae3b0ab626d64378379d60d9bb8ed39f4ecb8566fbd4b827fde",
   "key": null
  },
  {
   "id": 17,
   "type": "modelscopeslot",
   "props": {
    "value": "icon",
    "skip_context_value": true,
    "_internal": {
     "index": 1,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "9c80171a3c109131a3add61920ec72984834295bb6ec4a9f06e527138d4ed700",
   "key": null
  },
  {
   "id": 19,
   "type": "antdicon",
   "props": {
    "value": "PlusOutlined",
    "_internal": {},
    "visible": true,
    "name": "antdicon",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "520bff7f3c34247122082d2cda5db27a72314beb1b6cbd9df67b308314c37a36",
   "key": null
  },
  {
   "id": 20,
   "type": "antdxconversations",
   "props": {
    "_internal": {
     "index": 2,
     "layout": true,
     "bind_activeChange_event": true,
     "bind_menu_click_event": true
    },
    "visible": true,
    "elem_classes": [
     "chatbot-conversations-list"
    ],
    "name": "antdxconversations"
   },
   "skip_api": true,
   "component_class_id": "60e05858fd69e9857de81f15f677ebdaa0b6202b7f411ffc679a177b900450e1",
   "key": null
  },
  {
   "id": 21,
   "type": "modelscopeslot",
   "props": {
    "value": "menu.items",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "9c80171a3c109131a3add61920ec72984834295bb6ec4a9f06e527138d4ed700",
   "key": null
  },
  {
   "id": 22,
   "type": "antdmenuitem",
   "props": {
    "label": "Delete",
    "danger": true,
    "key": "delete",
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "antdmenuitem"
   },
   "skip_api": true,
   "component_class_id": "5abae08580bcde803cff9ee4c998741dc453bee66e6cee57ef3e4f1e65e28008",
   "key": "delete"
  },
  {
   "id": 23,
   "type": "modelscopeslot",
   "props": {
    "value": "icon",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "9c80171a3c109131a3add61920ec72984834295bb6ec4a9f06e527138d4ed700",
   "key": null
  },
  {
   "id": 25,
   "type": "antdicon",
   "props": {
    "value": "DeleteOutlined",
    "_internal": {},
    "visible": true,
    "name": "antdicon",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "520bff7f3c34247122082d2cda5db27a72314beb1b6cbd9df67b308314c37a36",
   "key": null
  },
  {
   "id": 26,
   "type": "antdcol",
   "props": {
    "flex": 1,
    "offset": 0,
    "order": 0,
    "pull": 0,
    "push": 0,
    "_internal": {
     "index": 1,
     "layout": true
    },
    "visible": true,
    "elem_style": {
     "height": "100%"
    },
    "name": "antdcol"
   },
   "skip_api": true,
   "component_class_id": "598f49df714ff42e3d5e686e9a2966ad9c159ac4d3a171de797bcda13ae23080",
   "key": null
  },
  {
   "id": 27,
   "type": "antdflex",
   "props": {
    "vertical": true,
    "wrap": "nowrap",
    "justify": "normal",
    "align": "normal",
    "flex": "normal",
    "gap": "small",
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_classes": [
     "chatbot-chat"
    ],
    "name": "antdflex"
   },
   "skip_api": true,
   "component_class_id": "ed5948f802183a24cadf47f56f08199cc38392c91e3747198a4fddecb4cac3f7",
   "key": null
  },
  {
   "id": 29,
   "type": "modelscopeprochatbot",
   "props": {
    "value": [],
    "height": 0,
    "auto_scroll": true,
    "show_scroll_to_bottom_button": true,
    "scroll_to_bottom_button_offset": 200,
    "welcome_config": {
     "variant": "borderless",
     "icon": {
      "path": "/tmp/gradio/7d93755bf459f71cdc9b7da268c71cfac792fbc2e93c559df844a89aa6eceb6a/qwen.png",
      "url": "@ROOT@/gradio_api/file=/tmp/gradio/7d93755bf459f71cdc9b7da268c71cfac792fbc2e93c559df844a89aa6eceb6a/qwen.png",
      "size": null,
      "orig_name": null,
      "mime_type": null,
      "is_stream": false,
      "meta": {
       "_type": "gradio.FileData"
      }
     },
     "title": "Hello, I'm Qwen3",
     "description": "Select a model and enter text to get started.",
     "extra": null,
     "elem_style": null,
     "elem_classes": null,
     "styles": null,
     "class_names": null,
     "prompts": {
      "title": "How can I help you today?",
      "vertical": false,
      "wrap": false,
      "styles": {
       "list": {
        "width": "100%"
       },
       "item": {
        "flex": 1
       }
      },
      "class_names": null,
      "elem_style": null,
      "elem_classes": null,
      "items": [
       {
        "disabled": null,
        "description": null,
        "label": "📅 Make a plan",
        "icon": null,
        "key": null,
        "children": [
         {
          "description": "Help me with a plan to start a business"
         },
         {
          "description": "Help me with a plan to achieve my goals"
         },
         {
          "description": "Help me with a plan for a successful interview"
         }
        ]
       },
       {
        "disabled": null,
        "description": null,
        "label": "🖋 Help me write",
        "icon": null,
        "key": null,
        "children": [
         {
          "description": "Help me write a story with a twist ending"
         },
         {
          "description": "Help me write a blog post on mental health"
         },
         {
          "description": "Help me write a letter to my future self"
         }
        ]
       }
      ]
     }
    },
    "markdown_config": {
     "render_markdown": true,
     "latex_delimiters": [
      {
       "left": "$$",
       "right": "$$",
       "display": true
      },
      {
       "left": "$",
       "right": "$",
       "display": false
      },
      {
       "left": "\\(",
       "right": "\\)",
       "display": false
      },
      {
       "left": "\\begin{equation}",
       "right": "\\end{equation}",
       "display": true
      },
      {
       "left": "\\begin{align}",
       "right": "\\end{align}",
       "display": true
      },
      {
       "left": "\\begin{alignat}",
       "right": "\\end{alignat}",
       "display": true
      },
      {
       "left": "\\begin{gather}",
       "right": "\\end{gather}",
       "display": true
      },
      {
       "left": "\\begin{CD}",
       "right": "\\end{CD}",
       "display": true
      },
      {
       "left": "\\[",
       "right": "\\]",
       "display": true
      }
     ],
     "sanitize_html": true,
     "line_breaks": true,
     "rtl": false,
     "allow_tags": false
    },
    "user_config": {
     "actions": [
      "copy",
      "edit",
      {
       "action": "delete",
       "disabled": null,
       "tooltip": null,
       "popconfirm": {
        "title": "Delete the message",
        "description": "Are you sure to delete this message?",
        "okButtonProps": {
         "danger": true
        }
       }
      }
     ],
     "disabled_actions": null,
     "header": null,
     "footer": null,
     "avatar": null,
     "variant": null,
     "shape": null,
     "placement": "end",
     "loading": null,
     "typing": null,
     "elem_style": null,
     "elem_classes": null,
     "styles": null,
     "class_names": {
      "content": "user-message-content"
     }
    },
    "bot_config": {
     "actions": [
      "copy",
      "edit",
      {
       "action": "retry",
       "disabled": null,
       "tooltip": null,
       "popconfirm": {
        "title": "Regenerate the message",
        "description": "Regenerate the message will also delete all subsequent messages.",
        "okButtonProps": {
         "danger": true
        }
       }
      },
      {
       "action": "delete",
       "disabled": null,
       "tooltip": null,
       "popconfirm": {
        "title": "Delete the message",
        "description": "Are you sure to delete this message?",
        "okButtonProps": {
         "danger": true
        }
       }
      }
     ],
     "disabled_actions": null,
     "header": null,
     "footer": null,
     "avatar": {
      "path": "/tmp/gradio/7d93755bf459f71cdc9b7da268c71cfac792fbc2e93c559df844a89aa6eceb6a/qwen.png",
      "url": "@ROOT@/gradio_api/file=/tmp/gradio/7d93755bf459f71cdc9b7da268c71cfac792fbc2e93c559df844a89aa6eceb6a/qwen.png",
      "size": null,
      "orig_name": null,
      "mime_type": null,
      "is_stream": false,
      "meta": {
       "_type": "gradio.FileData"
      }
     },
     "variant": null,
     "shape": null,
     "placement": "start",
     "loading": null,
     "typing": null,
     "elem_style": null,
     "elem_classes": null,
     "styles": null,
     "class_names": null
    },
    "_internal": {
     "bind_welcomePromptSelect_event": true,
     "bind_delete_event": true,
     "bind_edit_event": true,
     "bind_retry_event": true
    },
    "visible": true,
    "elem_classes": [
     "chatbot-chat-messages"
    ],
    "name": "modelscopeprochatbot",
    "_selectable": false
   },
   "skip_api": false,
   "component_class_id": "1c8f24c612a700f1b517c9252529f70cd6f5459e5d89b038de954df529790085",
   "key": null,
   "api_info": {
    "items": {},
    "title": "ChatbotDataMessages",
    "type": "array",
    "additional_description": null
   },
   "api_info_as_input": {
    "items": {},
    "title": "ChatbotDataMessages",
    "type": "array",
    "additional_description": null
   },
   "api_info_as_output": {
    "items": {},
    "title": "ChatbotDataMessages",
    "type": "array",
    "additional_description": null
   },
   "example_inputs": null
  },
  {
   "id": 30,
   "type": "antdxsuggestion",
   "props": {
    "items": [
     {
      "label": "Make a plan",
      "value": "Make a plan",
      "children": [
       {
        "label": "Start a business",
        "value": "Help me with a plan to start a business"
       },
       {
        "label": "Achieve my goals",
        "value": "Help me with a plan to achieve my goals"
       },
       {
        "label": "Successful interview",
        "value": "Help me with a plan for a successful interview"
       }
      ]
     },
     {
      "label": "Help me write",
      "value": "Help me write",
      "children": [
       {
        "label": "Story with a twist ending",
        "value": "Help me write a story with a twist ending"
       },
       {
        "label": "Blog post on mental health",
        "value": "Help me write a blog post on mental health"
       },
       {
        "label": "Letter to my future self",
        "value": "Help me write a letter to my future self"
       }
      ]
     }
    ],
    "should_trigger": "(e, { onTrigger, onKeyDown }) => {\n                      switch(e.key) {\n                        case '/': onTrigger(); break\n                        case 'ArrowRight': case 'ArrowLeft': case 'ArrowUp': case 'ArrowDown': break;\n                        default: onTrigger(false)\n                      }\n                      onKeyDown(e)\n                    }",
    "_internal": {
     "index": 1,
     "layout": true,
     "bind_select_event": true
    },
    "visible": true,
    "name": "antdxsuggestion"
   },
   "skip_api": true,
   "component_class_id": "62bb06675ec516b88df4da567c67c63684b0e75004d06e482dd2932245b1d305",
   "key": null
  },
  {
   "id": 31,
   "type": "modelscopeslot",
   "props": {
    "value": "children",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "9c80171a3c109131a3add61920ec72984834295bb6ec4a9f06e527138d4ed700",
   "key": null
  },
  {
   "id": 33,
   "type": "antdxsender",
   "props": {
    "placeholder": "Enter \"/\" to get suggestions",
    "_internal": {
     "layout": true,
     "bind_submit_event": true,
     "bind_cancel_event": true
    },
    "visible": true,
    "name": "antdxsender",
    "_selectable": false
   },
   "skip_api": false,
   "component_class_id": "3bf55ff8e454fcd563a0047d897c4d9981e81e0bfacccac8e1dc9e4ddc907a26",
   "key": null,
   "api_info": {
    "type": "string"
   },
   "api_info_as_input": {
    "type": "string"
   },
   "api_info_as_output": {
    "type": "string"
   },
   "example_inputs": null
  },
  {
   "id": 34,
   "type": "modelscopeslot",
   "props": {
    "value": "header",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "9c80171a3c109131a3add61920ec72984834295bb6ec4a9f06e527138d4ed700",
   "key": null
  },
  {
   "id": 35,
   "type": "state",
   "props": {
    "time_to_live": null,
    "delete_callback": "<function State.__init__.<locals>.<lambda> at 0x7fb2494645e0>",
    "name": "state",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "c0018f312890f9389cd3be97305d011d4e586347f6326a3c2538e87129d6c931",
   "key": null
  },
  {
   "id": 36,
   "type": "antdxsenderheader",
   "props": {
    "open": true,
    "title": "Settings",
    "_internal": {
     "index": 1,
     "layout": true,
     "bind_openChange_event": true
    },
    "visible": true,
    "name": "antdxsenderheader"
   },
   "skip_api": true,
   "component_class_id": "8ae5674562416737a73cb4b58ea91403e17704611707a445dfefd00cd3af2881",
   "key": null
  },
  {
   "id": 38,
   "type": "antdform",
   "props": {
    "value": {
     "model": "qwen3-235b-a22b",
     "sys_prompt": "You are a helpful and harmless assistant.",
     "thinking_budget": 38
    },
    "colon": true,
    "label_align": "right",
    "layout": "horizontal",
    "preserve": true,
    "scroll_to_first_error": false,
    "validate_trigger": "onChange",
    "_internal": {
     "layout": true
    },
    "visible": true,
    "name": "antdform",
    "_selectable": false
   },
   "skip_api": false,
   "component_class_id": "092615a3936fcc0ea3ee5a57ae3b269edc18d69f8ee0c4f0cb78b79c53069eac",
   "key": null,
   "api_info": {
    "anyOf": [
     {
      "additionalProperties": true,
      "type": "object"
     },
     {
      "type": "null"
     }
    ],
    "default": null,
    "title": "AntdFormData",
    "additional_description": null
   },
   "api_info_as_input": {
    "anyOf": [
     {
      "additionalProperties": true,
      "type": "object"
     },
     {
      "type": "null"
     }
    ],
    "default": null,
    "title": "AntdFormData",
    "additional_description": null
   },
   "api_info_as_output": {
    "anyOf": [
     {
      "additionalProperties": true,
      "type": "object"
     },
     {
      "type": "null"
     }
    ],
    "default": null,
    "title": "AntdFormData",
    "additional_description": null
   },
   "example_inputs": {}
  },
  {
   "id": 39,
   "type": "antdformitem",
   "props": {
    "label": "Chat Model",
    "form_name": "model",
    "has_feedback": false,
    "preserve": true,
    "trigger": "onChange",
    "validate_first": false,
    "validate_trigger": "onChange",
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "antdformitem"
   },
   "skip_api": true,
   "component_class_id": "92dc2e0c7c17cdf5d1ed8970221a20baf40e1b32cfd000e95851716b18f6300d",
   "key": null
  },
  {
   "id": 41,
   "type": "antdselect",
   "props": {
    "default_active_first_option": true,
    "popup_match_select_width": true,
    "options": [
     {
      "label": "Qwen3-235B-A22B",
      "modelId": "Qwen/Qwen3-235B-A22B",
      "value": "qwen3-235b-a22b",
      "link": "https://huggingface.co/Qwen/Qwen3-235B-A22B"
     },
     {
      "label": "Qwen3-32B",
      "modelId": "Qwen/Qwen3-32B",
      "value": "qwen3-32b",
      "link": "https://huggingface.co/Qwen/Qwen3-32B"
     },
     {
      "label": "Qwen3-30B-A3B",
      "modelId": "Qwen/Qwen3-30B-A3B",
      "value": "qwen3-30b-a3b",
      "link": "https://huggingface.co/Qwen/Qwen3-30B-A3B"
     },
     {
      "label": "Qwen3-14B",
      "modelId": "Qwen/Qwen3-14B",
      "value": "qwen3-14b",
      "link": "https://huggingface.co/Qwen/Qwen3-14B"
     },
     {
      "label": "Qwen3-8B",
      "modelId": "Qwen/Qwen3-8B",
      "value": "qwen3-8b",
      "link": "https://huggingface.co/Qwen/Qwen3-8B"
     },
     {
      "label": "Qwen3-4B",
      "modelId": "Qwen/Qwen3-4B",
      "value": "qwen3-4b",
      "link": "https://huggingface.co/Qwen/Qwen3-4B"
     },
     {
      "label": "Qwen3-1.7B",
      "modelId": "Qwen/Qwen3-1.7B",
      "value": "qwen3-1.7b",
      "link": "https://huggingface.co/Qwen/Qwen3-1.7B"
     },
     {
      "label": "Qwen3-0.6B",
      "modelId": "Qwen/Qwen3-0.6B",
      "value": "qwen3-0.6b",
      "link": "https://huggingface.co/Qwen/Qwen3-0.6B"
     }
    ],
    "placement": "bottomLeft",
    "virtual": true,
    "_internal": {
     "layout": true
    },
    "visible": true,
    "name": "antdselect",
    "_selectable": false
   },
   "skip_api": false,
   "component_class_id": "622c05c50c2a9025ae237e77cd9bd5c31934b46a24dba54903532f08d3a32b62",
   "key": null,
   "api_info": {
    "anyOf": [
     {
      "type": "string"
     },
     {
      "type": "number"
     },
     {
      "type": "array",
      "items": {
       "anyOf": [
        {
         "type": "string"
        },
        {
         "type": "number"
        }
       ]
      }
     }
    ]
   },
   "api_info_as_input": {
    "anyOf": [
     {
      "type": "string"
     },
     {
      "type": "number"
     },
     {
      "type": "array",
      "items": {
       "anyOf": [
        {
         "type": "string"
        },
        {
         "type": "number"
        }
       ]
      }
     }
    ]
   },
   "api_info_as_output": {
    "anyOf": [
     {
      "type": "string"
     },
     {
      "type": "number"
     },
     {
      "type": "array",
      "items": {
       "anyOf": [
        {
         "type": "string"
        },
        {
         "type": "number"
        }
       ]
      }
     }
    ]
   },
   "example_inputs": null
  },
  {
   "id": 42,
   "type": "modelscopeslot",
   "props": {
    "value": "labelRender",
    "params_mapping": "(option) => ({\n                                label: option.label,\n                                link: { href: window.MODEL_OPTIONS_MAP[option.value].link },\n                            })",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "9c80171a3c109131a3add61920ec72984834295bb6ec4a9f06e527138d4ed700",
   "key": null
  },
  {
   "id": 43,
   "type": "antdtypographytext",
   "props": {
    "value": "",
    "copyable": false,
    "editable": false,
    "ellipsis": false,
    "as_item": "label",
    "_internal": {
     "index": 0
    },
    "visible": true,
    "name": "antdtypographytext"
   },
   "skip_api": true,
   "component_class_id": "114d17ac27688fd36c2b19b11cc8efa24ba02f3690810a333b3fbc336390e960",
   "key": null
  },
  {
   "id": 44,
   "type": "antdtypographylink",
   "props": {
    "value": "Model Link",
    "href_target": "_blank",
    "copyable": false,
    "editable": false,
    "as_item": "link",
    "_internal": {
     "index": 1
    },
    "visible": true,
    "name": "antdtypographylink"
   },
   "skip_api": true,
   "component_class_id": "1e3531310c7b5f3789b35262f91ce5f072e009c0d2bb0fc27dc7552718c554bd",
   "key": null
  },
  {
   "id": 45,
   "type": "antdformitem",
   "props": {
    "label": "Thinking Budget",
    "form_name": "thinking_budget",
    "has_feedback": false,
    "preserve": true,
    "trigger": "onChange",
    "validate_first": false,
    "validate_trigger": "onChange",
    "_internal": {
     "index": 1,
     "layout": true
    },
    "visible": true,
    "elem_classes": [
     "setting-form-thinking-budget"
    ],
    "name": "antdformitem"
   },
   "skip_api": true,
   "component_class_id": "92dc2e0c7c17cdf5d1ed8970221a20baf40e1b32cfd000e95851716b18f6300d",
   "key": null
  },
  {
   "id": 47,
   "type": "antdslider",
   "props": {
    "included": true,
    "keyboard": true,
    "max": 38,
    "min": 1,
    "range": false,
    "step": 1,
    "tooltip": {
     "formatter": "(v) => `${v}k`"
    },
    "_internal": {},
    "visible": true,
    "elem_style": {
     "flex": 1,
     "marginRight": 14
    },
    "name": "antdslider",
    "_selectable": false
   },
   "skip_api": false,
   "component_class_id": "18c002e34704e228c88218d4e2b9ed8762bd619cfc6b7a4f17b0a7b18c0c41ee",
   "key": null,
   "api_info": {
    "anyOf": [
     {
      "type": "number"
     },
     {
      "type": "array",
      "items": {
       "type": "number"
      }
     }
    ]
   },
   "api_info_as_input": {
    "anyOf": [
     {
      "type": "number"
     },
     {
      "type": "array",
      "items": {
       "type": "number"
      }
     }
    ]
   },
   "api_info_as_output": {
    "anyOf": [
     {
      "type": "number"
     },
     {
      "type": "array",
      "items": {
       "type": "number"
      }
     }
    ]
   },
   "example_inputs": null
  },
  {
   "id": 49,
   "type": "antdinputnumber",
   "props": {
    "addon_after": "k",
    "change_on_wheel": true,
    "keyboard": true,
    "max": 38,
    "min": 1,
    "step": 1,
    "_internal": {},
    "visible": true,
    "elem_style": {
     "width": 100
    },
    "name": "antdinputnumber",
    "_selectable": false
   },
   "skip_api": false,
   "component_class_id": "42be0d404ad781d7801d9398d7806a9762b55e055e102e3c3039c5ef8d0c0d54",
   "key": null,
   "api_info": {
    "type": "number"
   },
   "api_info_as_input": {
    "type": "number"
   },
   "api_info_as_output": {
    "type": "number"
   },
   "example_inputs": null
  },
  {
   "id": 50,
   "type": "modelscopeslot",
   "props": {
    "value": "prefix",
    "skip_context_value": true,
    "_internal": {
     "index": 1,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "9c80171a3c109131a3add61920ec72984834295bb6ec4a9f06e527138d4ed700",
   "key": null
  },
  {
   "id": 51,
   "type": "antdflex",
   "props": {
    "wrap": true,
    "justify": "normal",
    "align": "normal",
    "flex": "normal",
    "gap": 4,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_style": {
     "maxWidth": "40vw"
    },
    "name": "antdflex"
   },
   "skip_api": true,
   "component_class_id": "ed5948f802183a24cadf47f56f08199cc38392c91e3747198a4fddecb4cac3f7",
   "key": null
  },
  {
   "id": 52,
   "type": "antdbutton",
   "props": {
    "auto_insert_space": true,
    "type": "text",
    "_internal": {
     "index": 0,
     "layout": true,
     "bind_click_event": true
    },
    "visible": true,
    "name": "antdbutton"
   },
   "skip_api": true,
   "component_class_id": "1af0b0d7561052142e7affaad5178dde18ebaa0f110835697fd7c0a4efc91302",
   "key": null
  },
  {
   "id": 53,
   "type": "modelscopeslot",
   "props": {
    "value": "icon",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "9c80171a3c109131a3add61920ec72984834295bb6ec4a9f06e527138d4ed700",
   "key": null
  },
  {
   "id": 55,
   "type": "antdicon",
   "props": {
    "value": "SettingOutlined",
    "_internal": {},
    "visible": true,
    "name": "antdicon",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "520bff7f3c34247122082d2cda5db27a72314beb1b6cbd9df67b308314c37a36",
   "key": null
  },
  {
   "id": 56,
   "type": "antdbutton",
   "props": {
    "auto_insert_space": true,
    "type": "text",
    "_internal": {
     "index": 1,
     "layout": true,
     "bind_click_event": true
    },
    "visible": true,
    "name": "antdbutton"
   },
   "skip_api": true,
   "component_class_id": "1af0b0d7561052142e7affaad5178dde18ebaa0f110835697fd7c0a4efc91302",
   "key": null
  },
  {
   "id": 57,
   "type": "modelscopeslot",
   "props": {
    "value": "icon",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "9c80171a3c109131a3add61920ec72984834295bb6ec4a9f06e527138d4ed700",
   "key": null
  },
  {
   "id": 59,
   "type": "antdicon",
   "props": {
    "value": "ClearOutlined",
    "_internal": {},
    "visible": true,
    "name": "antdicon",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "520bff7f3c34247122082d2cda5db27a72314beb1b6cbd9df67b308314c37a36",
   "key": null
  },
  {
   "id": 60,
   "type": "state",
   "props": {
    "time_to_live": null,
    "delete_callback": "<function State.__init__.<locals>.<lambda> at 0x7fb2494649a0>",
    "name": "state",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "c0018f312890f9389cd3be97305d011d4e586347f6326a3c2538e87129d6c931",
   "key": null
  },
  {
   "id": 61,
   "type": "antdbutton",
   "props": {
    "value": "Thinking",
    "auto_insert_space": true,
    "shape": "round",
    "variant": "solid",
    "color": "primary",
    "_internal": {
     "index": 3,
     "layout": true,
     "bind_click_event": true
    },
    "visible": true,
    "name": "antdbutton"
   },
   "skip_api": true,
   "component_class_id": "1af0b0d7561052142e7affaad5178dde18ebaa0f110835697fd7c0a4efc91302",
   "key": null
  },
  {
   "id": 62,
   "type": "modelscopeslot",
   "props": {
    "value": "icon",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "9c80171a3c109131a3add61920ec72984834295bb6ec4a9f06e527138d4ed700",
   "key": null
  },
  {
   "id": 64,
   "type": "antdicon",
   "props": {
    "value": "SunOutlined",
    "_internal": {},
    "visible": true,
    "name": "antdicon",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "520bff7f3c34247122082d2cda5db27a72314beb1b6cbd9df67b308314c37a36",
   "key": null
  },
  {
   "id": 65,
   "type": "browserstate",
   "props": {
    "default_value": {
     "conversation_contexts": {},
     "conversations": []
    },
    "storage_key": "qwen3_chat_demo_storage",
    "secret": "QToqshNMLbIECQG6",
    "name": "browserstate",
    "_selectable": false
   },
   "skip_api": false,
   "component_class_id": "b0b35c88d44382506a1d80c34cf3906e368898ce67bf01d11be560a9981ab3b4",
   "key": null,
   "api_info": {
    "type": {},
    "description": "any json-serializable value"
   },
   "api_info_as_input": {
    "type": {},
    "description": "any json-serializable value"
   },
   "api_info_as_output": {
    "type": {},
    "description": "any json-serializable value"
   },
   "example_inputs": "test"
  }
 ],
 "css": "\n#chatbot { height: calc(100vh - 21px - 16px); max-height: 1500px; }\n",
 "connect_heartbeat": true,
 "js": "function init() { window.MODEL_OPTIONS_MAP={\"qwen3-235b-a22b\": {\"label\": \"Qwen3-235B-A22B\", \"modelId\": \"Qwen/Qwen3-235B-A22B\", \"value\": \"qwen3-235b-a22b\", \"link\": \"https://huggingface.co/Qwen/Qwen3-235B-A22B\"}, \"qwen3-32b\": {\"label\": \"Qwen3-32B\", \"modelId\": \"Qwen/Qwen3-32B\", \"value\": \"qwen3-32b\", \"link\": \"https://huggingface.co/Qwen/Qwen3-32B\"}, \"qwen3-30b-a3b\": {\"label\": \"Qwen3-30B-A3B\", \"modelId\": \"Qwen/Qwen3-30B-A3B\", \"value\": \"qwen3-30b-a3b\", \"link\": \"https://huggingface.co/Qwen/Qwen3-30B-A3B\"}, \"qwen3-14b\": {\"label\": \"Qwen3-14B\", \"modelId\": \"Qwen/Qwen3-14B\", \"value\": \"qwen3-14b\", \"link\": \"https://huggingface.co/Qwen/Qwen3-14B\"}, \"qwen3-8b\": {\"label\": \"Qwen3-8B\", \"modelId\": \"Qwen/Qwen3-8B\", \"value\": \"qwen3-8b\", \"link\": \"https://huggingface.co/Qwen/Qwen3-8B\"}, \"qwen3-4b\": {\"label\": \"Qwen3-4B\", \"modelId\": \"Qwen/Qwen3-4B\", \"value\": \"qwen3-4b\", \"link\": \"https://huggingface.co/Qwen/Qwen3-4B\"}, \"qwen3-1.7b\": {\"label\": \"Qwen3-1.7B\", \"modelId\": \"Qwen/Qwen3-1.7B\", \"value\": \"qwen3-1.7b\", \"link\": \"https://huggingface.co/Qwen/Qwen3-1.7B\"}, \"qwen3-0.6b\": {\"label\": \"Qwen3-0.6B\", \"modelId\": \"Qwen/Qwen3-0.6B\", \"value\": \"qwen3-0.6b\", \"link\": \"https://huggingface.co/Qwen/Qwen3-0.6B\"}}}",
 "head": "",
 "title": "Gradio",
 "space_id": null,
 "enable_queue": true,
 "show_error": false,
 "show_api": true,
 "is_colab": false,
 "max_file_size": null,
 "stylesheets": [
  "https://fonts.googleapis.com/css2?family=Source+Sans+Pro:wght@400;600&display=swap"
 ],
 "theme": "default",
 "protocol": "sse_v3",
 "body_css": {
  "body_background_fill": "white",
  "body_text_color": "#27272a",
  "body_background_fill_dark": "#0f0f11",
  "body_text_color_dark": "#f4f4f5"
 },
 "fill_height": false,
 "fill_width": true,
 "theme_hash": "63194d3741d384f9f85db890247b6c0ef9e7abac0f297f40a15c59fe4baba916",
 "pwa": false,
 "pages": [
  [
   "",
   "Home"
  ]
 ],
 "page": {
  "": {
   "layout": {
    "id": 0,
    "children": [
     {
      "id": 1
     },
     {
      "id": 3,
      "children": [
       {
        "id": 4,
        "children": [
         {
          "id": 5,
          "children": [
           {
            "id": 6,
            "children": [
             {
              "id": 7,
              "children": [
               {
                "id": 8,
                "children": [
                 {
                  "id": 9,
                  "children": [
                   {
                    "id": 10,
                    "children": [
                     {
                      "id": 11,
                      "children": [
                       {
                        "id": 13,
                        "children": []
                       },
                       {
                        "id": 14,
                        "children": []
                       }
                      ]
                     }
                    ]
                   },
                   {
                    "id": 15,
                    "children": [
                     {
                      "id": 16
                     },
                     {
                      "id": 17,
                      "children": [
                       {
                        "id": 19,
                        "children": []
                       }
                      ]
                     }
                    ]
                   },
                   {
                    "id": 20,
                    "children": [
                     {
                      "id": 21,
                      "children": [
                       {
                        "id": 22,
                        "children": [
                         {
                          "id": 23,
                          "children": [
                           {
                            "id": 25,
                            "children": []
                           }
                          ]
                         }
                        ]
                       }
                      ]
                     }
                    ]
                   }
                  ]
                 }
                ]
               }
              ]
             },
             {
              "id": 26,
              "children": [
               {
                "id": 27,
                "children": [
                 {
                  "id": 29,
                  "children": []
                 },
                 {
                  "id": 30,
                  "children": [
                   {
                    "id": 31,
                    "children": [
                     {
                      "id": 33,
                      "children": [
                       {
                        "id": 34,
                        "children": [
                         {
                          "id": 35
                         },
                         {
                          "id": 36,
                          "children": [
                           {
                            "id": 38,
                            "children": [
                             {
                              "id": 39,
                              "children": [
                               {
                                "id": 41,
                                "children": [
                                 {
                                  "id": 42,
                                  "children": [
                                   {
                                    "id": 43,
                                    "children": []
                                   },
                                   {
                                    "id": 44,
                                    "children": []
                                   }
                                  ]
                                 }
                                ]
                               }
                              ]
                             },
                             {
                              "id": 45,
                              "children": [
                               {
                                "id": 47,
                                "children": []
                               },
                               {
                                "id": 49,
                                "children": []
                               }
                              ]
                             }
                            ]
                           }
                          ]
                         }
                        ]
                       },
                       {
                        "id": 50,
                        "children": [
                         {
                          "id": 51,
                          "children": [
                           {
                            "id": 52,
                            "children": [
                             {
                              "id": 53,
                              "children": [
                               {
                                "id": 55,
                                "children": []
                               }
                              ]
                             }
                            ]
                           },
                           {
                            "id": 56,
                            "children": [
                             {
                              "id": 57,
                              "children": [
                               {
                                "id": 59,
                                "children": []
                               }
                              ]
                             }
                            ]
                           },
                           {
                            "id": 60
                           },
                           {
                            "id": 61,
                            "children": [
                             {
                              "id": 62,
                              "children": [
                               {
                                "id": 64,
                                "children": []
                               }
                              ]
                             }
                            ]
                           }
                          ]
                         }
                        ]
                       }
                      ]
                     }
                    ]
                   }
                  ]
                 }
                ]
               }
              ]
             }
            ]
           }
          ]
         }
        ]
       }
      ]
     },
     {
      "id": 65
     }
    ]
   },
   "components": [
    1,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
    13,
    14,
    15,
    16,
    17,
    19,
    20,
    21,
    22,
    23,
    25,
    26,
    27,
    29,
    30,
    31,
    33,
    34,
    35,
    36,
    38,
    39,
    41,
    42,
    43,
    44,
    45,
    47,
    49,
    50,
    51,
    52,
    53,
    55,
    56,
    57,
    59,
    60,
    61,
    62,
    64,
    65
   ],
   "dependencies": [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
    12,
    13,
    14,
    15,
    16,
    17,
    18
   ]
  }
 },
 "dependencies": [
  {
   "id": 0,
   "targets": [
    [
     35,
     "change"
    ]
   ],
   "inputs": [
    35
   ],
   "outputs": [
    36
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "lambda",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "always_last",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 1,
   "targets": [
    [
     36,
     "open_change"
    ]
   ],
   "inputs": [
    35
   ],
   "outputs": [
    35
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "close_header",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 2,
   "targets": [
    [
     60,
     "change"
    ]
   ],
   "inputs": [
    60
   ],
   "outputs": [
    61
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "apply_state_change",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "always_last",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 3,
   "targets": [
    [
     61,
     "click"
    ]
   ],
   "inputs": [
    60
   ],
   "outputs": [
    60
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "toggle_thinking",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 4,
   "targets": [
    [
     1,
     "change"
    ]
   ],
   "inputs": [
    1
   ],
   "outputs": [
    65
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "update_browser_state",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "always_last",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 5,
   "targets": [
    [
     0,
     "load"
    ]
   ],
   "inputs": [
    65,
    1
   ],
   "outputs": [
    20,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "apply_browser_state",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 6,
   "targets": [
    [
     15,
     "click"
    ]
   ],
   "inputs": [
    60,
    1
   ],
   "outputs": [
    20,
    29,
    38,
    60,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "new_chat",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 7,
   "targets": [
    [
     20,
     "active_change"
    ]
   ],
   "inputs": [
    60,
    1
   ],
   "outputs": [
    20,
    29,
    38,
    60,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "select_conversation",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 8,
   "targets": [
    [
     20,
     "menu_click"
    ]
   ],
   "inputs": [
    1
   ],
   "outputs": [
    20,
    29,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "click_conversation_menu",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 9,
   "targets": [
    [
     29,
     "welcome_prompt_select"
    ]
   ],
   "inputs": [],
   "outputs": [
    33
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "apply_prompt",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 10,
   "targets": [
    [
     29,
     "delete"
    ]
   ],
   "inputs": [
    1
   ],
   "outputs": [
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "delete_message",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 11,
   "targets": [
    [
     29,
     "edit"
    ]
   ],
   "inputs": [
    1,
    29
   ],
   "outputs": [
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "edit_message",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 12,
   "targets": [
    [
     29,
     "retry"
    ]
   ],
   "inputs": [
    38,
    60,
    1
   ],
   "outputs": [
    33,
    56,
    22,
    15,
    20,
    29,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "regenerate_message",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": true,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 13,
   "targets": [
    [
     33,
     "submit"
    ]
   ],
   "inputs": [
    33,
    38,
    60,
    1
   ],
   "outputs": [
    33,
    56,
    22,
    15,
    20,
    29,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "add_message",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": true,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 14,
   "targets": [
    [
     33,
     "cancel"
    ]
   ],
   "inputs": [
    1
   ],
   "outputs": [
    33,
    22,
    56,
    20,
    15,
    29,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": false,
   "api_name": "cancel",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 15,
   "targets": [
    [
     33,
     "cancel"
    ]
   ],
   "inputs": [],
   "outputs": [],
   "backend_fn": false,
   "js": null,
   "queue": false,
   "api_name": "unnamed",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [
    13,
    12
   ],
   "types": {
    "generator": false,
    "cancel": true
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": false,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 16,
   "targets": [
    [
     52,
     "click"
    ]
   ],
   "inputs": [
    35
   ],
   "outputs": [
    35
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "toggle_settings_header",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 17,
   "targets": [
    [
     56,
     "click"
    ]
   ],
   "inputs": [
    1
   ],
   "outputs": [
    29,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "clear_conversation_history",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 18,
   "targets": [
    [
     30,
     "select"
    ]
   ],
   "inputs": [
    33
   ],
   "outputs": [
    33
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "select_suggestion",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  }
 ],
 "layout": {
  "id": 0,
  "children": [
   {
    "id": 1
   },
   {
    "id": 3,
    "children": [
     {
      "id": 4,
      "children": [
       {
        "id": 5,
        "children": [
         {
          "id": 6,
          "children": [
           {
            "id": 7,
            "children": [
             {
              "id": 8,
              "children": [
               {
                "id": 9,
                "children": [
                 {
                  "id": 10,
                  "children": [
                   {
                    "id": 11,
                    "children": [
                     {
                      "id": 13,
                      "children": []
                     },
                     {
                      "id": 14,
                      "children": []
                     }
                    ]
                   }
                  ]
                 },
                 {
                  "id": 15,
                  "children": [
                   {
                    "id": 16
                   },
                   {
                    "id": 17,
                    "children": [
                     {
                      "id": 19,
                      "children": []
                     }
                    ]
                   }
                  ]
                 },
                 {
                  "id": 20,
                  "children": [
                   {
                    "id": 21,
                    "children": [
                     {
                      "id": 22,
                      "children": [
                       {
                        "id": 23,
                        "children": [
                         {
                          "id": 25,
                          "children": []
                         }
                        ]
                       }
                      ]
                     }
                    ]
                   }
                  ]
                 }
                ]
               }
              ]
             }
            ]
           },
           {
            "id": 26,
            "children": [
             {
              "id": 27,
              "children": [
               {
                "id": 29,
                "children": []
               },
               {
                "id": 30,
                "children": [
                 {
                  "id": 31,
                  "children": [
                   {
                    "id": 33,
                    "children": [
                     {
                      "id": 34,
                      "children": [
                       {
                        "id": 35
                       },
                       {
                        "id": 36,
                        "children": [
                         {
                          "id": 38,
                          "children": [
                           {
                            "id": 39,
                            "children": [
                             {
                              "id": 41,
                              "children": [
                               {
                                "id": 42,
                                "children": [
                                 {
                                  "id": 43,
                                  "children": []
                                 },
                                 {
                                  "id": 44,
                                  "children": []
                                 }
                                ]
                               }
                              ]
                             }
                            ]
                           },
                           {
                            "id": 45,
                            "children": [
                             {
                              "id": 47,
                              "children": []
                             },
                             {
                              "id": 49,
                              "children": []
                             }
                            ]
                           }
                          ]
                         }
                        ]
                       }
                      ]
                     },
                     {
                      "id": 50,
                      "children": [
                       {
                        "id": 51,
                        "children": [
                         {
                          "id": 52,
                          "children": [
                           {
                            "id": 53,
                            "children": [
                             {
                              "id": 55,
                              "children": []
                             }
                            ]
                           }
                          ]
                         },
                         {
                          "id": 56,
                          "children": [
                           {
                            "id": 57,
                            "children": [
                             {
                              "id": 59,
                              "children": []
                             }
                            ]
                           }
                          ]
                         },
                         {
                          "id": 60
                         },
                         {
                          "id": 61,
                          "children": [
                           {
                            "id": 62,
                            "children": [
                             {
                              "id": 64,
                              "children": []
                             }
                            ]
                           }
                          ]
                         }
                        ]
                       }
                      ]
                     }
                    ]
                   }
                  ]
                 }
                ]
               }
              ]
             }
            ]
           }
          ]
         }
        ]
       }
      ]
     }
    ]
   },
   {
    "id": 65
   }
  ]
 },
 "root": "@ROOT@",
 "username": null
}'''
